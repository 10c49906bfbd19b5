package io.tessera.sandbox.seccomp;

import static io.tessera.sandbox.seccomp.OciSeccomp.NODES;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tessera.kernel.errors.InvalidArgumentException;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a node-local seccomp profile file and turns it into the OCI {@code linux.seccomp} object.
 * Stateless and thread-safe.
 *
 * <p>Two forms are accepted, told apart by nothing but their fields, because the OCI form is a
 * subset of the Docker one: the OCI form ({@code defaultAction}, {@code defaultErrnoRet}, {@code
 * architectures}, {@code flags}, {@code listenerPath}, {@code listenerMetadata}, {@code syscalls}
 * with {@code names}, {@code action}, {@code errnoRet}, {@code args}), and the Docker/moby form,
 * which adds {@code archMap}, {@code name}, {@code comment} and per-rule {@code includes} / {@code
 * excludes} conditions on {@code caps}, {@code arches} and {@code minKernel}. Conditions are
 * resolved the way moby resolves them: a rule is dropped when the excluded arch is the host's, when
 * any excluded capability is held, or when the kernel is at least the excluded minKernel; it is
 * kept only when the host's arch is among the included ones, every included capability is held, and
 * the kernel is at least the included minKernel. {@code archMap} contributes the entry of the
 * host's architecture with its sub-architectures.
 *
 * <p>Unlike moby, a file without {@code defaultAction} is refused instead of meaning "no seccomp":
 * a Localhost profile that silently disabled filtering would be a trap. Keys this reader does not
 * know are ignored, as moby and containerd ignore them, and logged at warn.
 */
final class LocalhostProfile {
  /** Real profiles are tens of KB (moby's default is ~13 KB); more is a wrong path. */
  static final long MAX_BYTES = 1L << 20;

  private static final Logger LOG = LoggerFactory.getLogger(LocalhostProfile.class);

  private static final Set<String> TOP_KEYS =
      Set.of(
          "defaultAction",
          "defaultErrnoRet",
          "architectures",
          "archMap",
          "flags",
          "listenerPath",
          "listenerMetadata",
          "syscalls");
  private static final Set<String> RULE_KEYS =
      Set.of("names", "name", "action", "errnoRet", "args", "comment", "includes", "excludes");
  private static final Set<String> ARG_KEYS = Set.of("index", "value", "valueTwo", "op");
  private static final Set<String> FILTER_KEYS = Set.of("caps", "arches", "minKernel");
  private static final Set<String> ARCH_MAP_KEYS = Set.of("architecture", "subArchitectures");

  private LocalhostProfile() {}

  /**
   * Reads and translates the profile at {@code path}.
   *
   * @throws InvalidArgumentException naming the path and what is wrong with it
   */
  static ObjectNode read(
      Path path, Set<String> capabilities, SeccompArch arch, KernelVersion kernel) {
    if (!path.isAbsolute()) {
      throw invalid(path, "not an absolute path", null);
    }
    byte[] content;
    try {
      if (!Files.isRegularFile(path)) {
        throw invalid(path, Files.exists(path) ? "not a regular file" : "no such file", null);
      }
      long size = Files.size(path);
      if (size > MAX_BYTES) {
        throw invalid(path, "is " + size + " bytes, more than the limit of " + MAX_BYTES, null);
      }
      content = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw invalid(path, "no such file", e);
    } catch (AccessDeniedException e) {
      throw invalid(path, "permission denied", e);
    } catch (IOException e) {
      throw invalid(path, "cannot be read: " + e.getMessage(), e);
    }
    JsonNode root;
    try {
      root = OciSeccomp.MAPPER.readTree(content);
    } catch (JacksonException e) {
      throw invalid(path, "not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw invalid(path, "cannot be parsed: " + e.getMessage(), e);
    }
    try {
      return translate(root, capabilities, arch, kernel, path.toString());
    } catch (IllegalArgumentException e) {
      throw invalid(path, e.getMessage(), e);
    }
  }

  /**
   * Translates a parsed profile in OCI or Docker form.
   *
   * @throws IllegalArgumentException saying which field is wrong and why
   */
  static ObjectNode translate(
      JsonNode root,
      Set<String> capabilities,
      SeccompArch arch,
      KernelVersion kernel,
      String source) {
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new IllegalArgumentException("empty file");
    }
    if (!root.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    Set<String> unknown = new TreeSet<>();
    collectUnknown(root, TOP_KEYS, "", unknown);

    ObjectNode out = NODES.objectNode();
    if (!root.has("defaultAction")) {
      throw new IllegalArgumentException("defaultAction is missing");
    }
    out.put("defaultAction", action(root.get("defaultAction"), "defaultAction"));
    if (present(root, "defaultErrnoRet")) {
      out.put("defaultErrnoRet", uint32(root.get("defaultErrnoRet"), "defaultErrnoRet"));
    }

    List<String> architectures = strings(root.path("architectures"), "architectures");
    boolean hasArchMap = present(root, "archMap") && !root.get("archMap").isEmpty();
    if (!architectures.isEmpty() && hasArchMap) {
      throw new IllegalArgumentException(
          "both architectures and archMap are given; a profile uses one of them");
    }
    for (String a : architectures) {
      checkArch(a, "architectures");
    }
    if (hasArchMap) {
      architectures = fromArchMap(root.get("archMap"), arch, unknown);
    }
    if (!architectures.isEmpty()) {
      ArrayNode a = out.putArray("architectures");
      architectures.forEach(a::add);
    }

    List<String> flags = strings(root.path("flags"), "flags");
    for (String f : flags) {
      if (!OciSeccomp.FLAGS.contains(f)) {
        throw new IllegalArgumentException("flags: unknown flag " + f);
      }
    }
    if (!flags.isEmpty()) {
      ArrayNode f = out.putArray("flags");
      flags.forEach(f::add);
    }
    for (String field : List.of("listenerPath", "listenerMetadata")) {
      if (present(root, field)) {
        if (!root.get(field).isTextual()) {
          throw new IllegalArgumentException(field + " must be a string");
        }
        out.put(field, root.get(field).asText());
      }
    }

    ArrayNode syscalls = out.putArray("syscalls");
    JsonNode rules = root.path("syscalls");
    if (!rules.isMissingNode() && !rules.isNull() && !rules.isArray()) {
      throw new IllegalArgumentException("syscalls must be an array");
    }
    int i = 0;
    for (JsonNode rule : rules) {
      String where = "syscalls[" + i++ + "]";
      if (!rule.isObject()) {
        throw new IllegalArgumentException(where + " must be an object");
      }
      collectUnknown(rule, RULE_KEYS, where + ".", unknown);
      ObjectNode translated = rule(rule, where, unknown);
      if (applies(rule, capabilities, arch, kernel, where, unknown)) {
        syscalls.add(translated);
      }
    }
    if (syscalls.isEmpty()) {
      out.remove("syscalls");
    }
    if (!unknown.isEmpty()) {
      LOG.warn("seccomp profile {}: ignoring unknown keys {}", source, unknown);
    }
    return out;
  }

  private static ObjectNode rule(JsonNode rule, String where, Set<String> unknown) {
    boolean hasName = present(rule, "name");
    boolean hasNames = present(rule, "names") && !rule.get("names").isEmpty();
    if (hasName && hasNames) {
      throw new IllegalArgumentException(where + ": both name and names are given; use one");
    }
    List<String> names;
    if (hasName) {
      if (!rule.get("name").isTextual()) {
        throw new IllegalArgumentException(where + ".name must be a string");
      }
      names = List.of(rule.get("name").asText());
    } else {
      names = strings(rule.path("names"), where + ".names");
    }
    if (names.isEmpty()) {
      throw new IllegalArgumentException(where + " names no syscall");
    }
    for (String n : names) {
      if (!OciSeccomp.isSyscallName(n)) {
        throw new IllegalArgumentException(where + ": '" + n + "' is not a syscall name");
      }
    }
    if (!rule.has("action")) {
      throw new IllegalArgumentException(where + ".action is missing");
    }
    String action = action(rule.get("action"), where + ".action");
    Long errnoRet = present(rule, "errnoRet") ? uint32(rule.get("errnoRet"), where) : null;

    List<ObjectNode> args = new ArrayList<>();
    JsonNode argNodes = rule.path("args");
    if (!argNodes.isMissingNode() && !argNodes.isNull() && !argNodes.isArray()) {
      throw new IllegalArgumentException(where + ".args must be an array");
    }
    int j = 0;
    for (JsonNode arg : argNodes) {
      String at = where + ".args[" + j++ + "]";
      if (!arg.isObject()) {
        throw new IllegalArgumentException(at + " must be an object");
      }
      collectUnknown(arg, ARG_KEYS, at + ".", unknown);
      JsonNode index = arg.path("index");
      if (!index.isIntegralNumber()
          || !index.canConvertToInt()
          || index.intValue() < 0
          || index.intValue() > OciSeccomp.MAX_ARG_INDEX) {
        throw new IllegalArgumentException(
            at + ".index must be an integer 0.." + OciSeccomp.MAX_ARG_INDEX);
      }
      JsonNode opNode = arg.path("op");
      if (!opNode.isTextual() || !OciSeccomp.OPERATORS.contains(opNode.asText())) {
        throw new IllegalArgumentException(
            at + ".op must be one of " + new TreeSet<>(OciSeccomp.OPERATORS));
      }
      args.add(
          OciSeccomp.arg(
              index.intValue(),
              uint64(arg.path("value"), at + ".value"),
              uint64(arg.path("valueTwo"), at + ".valueTwo"),
              opNode.asText()));
    }
    return OciSeccomp.syscallRule(names, action, errnoRet, args);
  }

  private static boolean applies(
      JsonNode rule,
      Set<String> capabilities,
      SeccompArch arch,
      KernelVersion kernel,
      String where,
      Set<String> unknown) {
    JsonNode excludes = filter(rule, "excludes", where, unknown);
    JsonNode includes = filter(rule, "includes", where, unknown);
    if (strings(excludes.path("arches"), where + ".excludes.arches").contains(arch.dockerName)) {
      return false;
    }
    for (String c : strings(excludes.path("caps"), where + ".excludes.caps")) {
      if (capabilities.contains(OciSeccomp.capabilityName(c))) {
        return false;
      }
    }
    KernelVersion excludedFrom = minKernel(excludes, where + ".excludes.minKernel");
    if (excludedFrom != null && kernel.atLeast(excludedFrom)) {
      return false;
    }
    List<String> arches = strings(includes.path("arches"), where + ".includes.arches");
    if (!arches.isEmpty() && !arches.contains(arch.dockerName)) {
      return false;
    }
    for (String c : strings(includes.path("caps"), where + ".includes.caps")) {
      if (!capabilities.contains(OciSeccomp.capabilityName(c))) {
        return false;
      }
    }
    KernelVersion includedFrom = minKernel(includes, where + ".includes.minKernel");
    return includedFrom == null || kernel.atLeast(includedFrom);
  }

  private static JsonNode filter(JsonNode rule, String field, String where, Set<String> unknown) {
    JsonNode f = rule.path(field);
    if (f.isMissingNode() || f.isNull()) {
      return NODES.objectNode();
    }
    if (!f.isObject()) {
      throw new IllegalArgumentException(where + "." + field + " must be an object");
    }
    collectUnknown(f, FILTER_KEYS, where + "." + field + ".", unknown);
    return f;
  }

  private static KernelVersion minKernel(JsonNode filter, String where) {
    JsonNode v = filter.path("minKernel");
    if (v.isMissingNode() || v.isNull() || (v.isTextual() && v.asText().isEmpty())) {
      return null;
    }
    if (!v.isTextual()) {
      throw new IllegalArgumentException(where + " must be a string like \"4.8\"");
    }
    try {
      return KernelVersion.parse(v.asText());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
  }

  private static List<String> fromArchMap(JsonNode archMap, SeccompArch arch, Set<String> unknown) {
    if (!archMap.isArray()) {
      throw new IllegalArgumentException("archMap must be an array");
    }
    List<String> chosen = List.of();
    int i = 0;
    for (JsonNode entry : archMap) {
      String where = "archMap[" + i++ + "]";
      if (!entry.isObject()) {
        throw new IllegalArgumentException(where + " must be an object");
      }
      collectUnknown(entry, ARCH_MAP_KEYS, where + ".", unknown);
      JsonNode main = entry.path("architecture");
      if (!main.isTextual()) {
        throw new IllegalArgumentException(where + ".architecture must be a string");
      }
      checkArch(main.asText(), where + ".architecture");
      List<String> subs = strings(entry.path("subArchitectures"), where + ".subArchitectures");
      for (String s : subs) {
        checkArch(s, where + ".subArchitectures");
      }
      if (main.asText().equals(arch.scmpArch) && chosen.isEmpty()) {
        List<String> all = new ArrayList<>();
        all.add(main.asText());
        all.addAll(subs);
        chosen = all;
      }
    }
    return chosen;
  }

  private static void checkArch(String a, String where) {
    if (!OciSeccomp.ARCHITECTURES.contains(a)) {
      throw new IllegalArgumentException(where + ": unknown architecture " + a);
    }
  }

  private static String action(JsonNode node, String where) {
    if (!node.isTextual() || !OciSeccomp.ACTIONS.contains(node.asText())) {
      throw new IllegalArgumentException(
          where + " must be one of " + new TreeSet<>(OciSeccomp.ACTIONS) + ", not " + node);
    }
    return node.asText();
  }

  private static long uint32(JsonNode node, String where) {
    if (!node.isIntegralNumber()
        || !node.canConvertToLong()
        || node.longValue() < 0
        || node.longValue() > OciSeccomp.UINT32_MAX) {
      throw new IllegalArgumentException(
          where + " must be an unsigned 32-bit integer, not " + node);
    }
    return node.longValue();
  }

  private static JsonNode uint64(JsonNode node, String where) {
    if (node.isMissingNode() || node.isNull()) {
      return NODES.numberNode(0L);
    }
    if (!node.isIntegralNumber()) {
      throw new IllegalArgumentException(
          where + " must be an unsigned 64-bit integer, not " + node);
    }
    BigInteger v = node.bigIntegerValue();
    if (v.signum() < 0 || v.compareTo(OciSeccomp.UINT64_MAX) > 0) {
      throw new IllegalArgumentException(
          where + " must be an unsigned 64-bit integer, not " + node);
    }
    return OciSeccomp.unsigned(v);
  }

  private static List<String> strings(JsonNode node, String where) {
    if (node.isMissingNode() || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw new IllegalArgumentException(where + " must be an array of strings");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode s : node) {
      if (!s.isTextual()) {
        throw new IllegalArgumentException(where + " must be an array of strings");
      }
      out.add(s.asText());
    }
    return out;
  }

  private static boolean present(JsonNode node, String field) {
    return node.has(field) && !node.get(field).isNull();
  }

  private static void collectUnknown(
      JsonNode node, Set<String> known, String prefix, Set<String> unknown) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!known.contains(key)) {
        unknown.add(prefix + key);
      }
    }
  }

  private static InvalidArgumentException invalid(Path path, String problem, Throwable cause) {
    return new InvalidArgumentException("seccomp profile " + path + ": " + problem, cause);
  }
}
