package io.tessera.sandbox.seccomp;

import static io.tessera.sandbox.seccomp.OciSeccomp.NODES;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tessera.kernel.errors.InternalException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Tessera's RuntimeDefault profile: parsed once from its compact source ({@value #RESOURCE}, groups
 * of syscall names with the conditions under which they are allowed), expanded per container into
 * the OCI form. Immutable and thread-safe.
 *
 * <p>Source format: top-level {@code defaultAction}, {@code defaultErrno}, {@code architectures}
 * (kernel arch name to libseccomp tokens), {@code constants} (names usable in values, joined with
 * {@code |}), and {@code groups}. A group has {@code names} and optionally: {@code arch} (kernel
 * arch names), {@code caps} (all needed), {@code unlessCaps} (none may be held), {@code minKernel},
 * {@code errno} (deny with that errno instead of allowing), {@code args} (conditions that must all
 * hold; {@code op} without the SCMP_CMP_ prefix; MASKED_EQ takes {@code mask} and {@code value}) or
 * {@code argIn} (one allowed rule per listed value of one argument).
 */
final class RuntimeDefaultProfile {
  static final String RESOURCE = "runtime-default.json";

  private static final Set<String> TOP_KEYS =
      Set.of(
          "format",
          "about",
          "defaultAction",
          "defaultErrno",
          "architectures",
          "constants",
          "groups");
  private static final Set<String> GROUP_KEYS =
      Set.of("name", "names", "arch", "caps", "unlessCaps", "minKernel", "errno", "args", "argIn");
  private static final Set<String> ARG_KEYS = Set.of("index", "op", "value", "mask");
  private static final Set<String> ARG_IN_KEYS = Set.of("index", "values");
  private static final String FORMAT = "tessera-seccomp-groups/v1";

  private final String defaultAction;
  private final long defaultErrno;
  private final Map<SeccompArch, List<String>> architectures;
  private final List<Group> groups;

  private RuntimeDefaultProfile(
      String defaultAction,
      long defaultErrno,
      Map<SeccompArch, List<String>> architectures,
      List<Group> groups) {
    this.defaultAction = defaultAction;
    this.defaultErrno = defaultErrno;
    this.architectures = architectures;
    this.groups = groups;
  }

  /**
   * Loads the profile shipped in this package.
   *
   * @throws InternalException when the resource is missing or malformed: a build defect
   */
  static RuntimeDefaultProfile load() {
    InputStream resource = RuntimeDefaultProfile.class.getResourceAsStream(RESOURCE);
    if (resource == null) {
      throw new InternalException(
          "seccomp: built-in RuntimeDefault profile resource " + RESOURCE + " is missing");
    }
    try (InputStream in = resource) {
      return parse(OciSeccomp.MAPPER.readTree(in));
    } catch (IOException | RuntimeException e) {
      throw new InternalException(
          "seccomp: built-in RuntimeDefault profile resource " + RESOURCE + " is broken: " + e, e);
    }
  }

  /**
   * Parses the compact source form.
   *
   * @throws IllegalArgumentException naming the offending group and field
   */
  static RuntimeDefaultProfile parse(JsonNode root) {
    checkKeys(root, TOP_KEYS, "profile");
    if (!FORMAT.equals(root.path("format").asText())) {
      throw new IllegalArgumentException("format is not " + FORMAT);
    }
    String action = text(root, "defaultAction", "profile");
    if (!OciSeccomp.ACTIONS.contains(action)) {
      throw new IllegalArgumentException("unknown defaultAction " + action);
    }
    Map<String, BigInteger> constants = new HashMap<>();
    root.path("constants")
        .fields()
        .forEachRemaining(
            e ->
                constants.put(e.getKey(), value(e.getValue(), Map.of(), "constant " + e.getKey())));
    long errno = value(root.path("defaultErrno"), constants, "defaultErrno").longValueExact();

    Map<SeccompArch, List<String>> arches = new EnumMap<>(SeccompArch.class);
    root.path("architectures")
        .fields()
        .forEachRemaining(
            e -> {
              List<String> tokens = strings(e.getValue(), "architectures." + e.getKey());
              if (!OciSeccomp.ARCHITECTURES.containsAll(tokens)) {
                throw new IllegalArgumentException("architectures." + e.getKey() + ": " + tokens);
              }
              arches.put(SeccompArch.of(e.getKey()), List.copyOf(tokens));
            });

    List<Group> groups = new ArrayList<>();
    JsonNode groupNodes = root.path("groups");
    if (!groupNodes.isArray() || groupNodes.isEmpty()) {
      throw new IllegalArgumentException("groups must be a non-empty array");
    }
    for (JsonNode g : groupNodes) {
      groups.add(Group.parse(g, constants));
    }
    return new RuntimeDefaultProfile(
        action, errno, Collections.unmodifiableMap(arches), List.copyOf(groups));
  }

  /**
   * The OCI {@code linux.seccomp} object for a container holding {@code capabilities} (normalized
   * CAP_ names) on {@code arch} under {@code kernel}. A fresh object each call; the caller may
   * change it.
   */
  ObjectNode expand(Set<String> capabilities, SeccompArch arch, KernelVersion kernel) {
    ObjectNode out = NODES.objectNode();
    out.put("defaultAction", defaultAction);
    out.put("defaultErrnoRet", defaultErrno);
    ArrayNode a = out.putArray("architectures");
    architectures.getOrDefault(arch, List.of()).forEach(a::add);

    // Every unconditional allowance goes into one sorted rule: smaller, and readable in a bundle.
    Set<String> plainAllowed = new TreeSet<>();
    List<ObjectNode> conditional = new ArrayList<>();
    for (Group g : groups) {
      if (!g.appliesTo(capabilities, arch, kernel)) {
        continue;
      }
      if (g.isPlainAllow()) {
        plainAllowed.addAll(g.names);
      } else {
        conditional.addAll(g.rules());
      }
    }
    ArrayNode syscalls = out.putArray("syscalls");
    syscalls.add(OciSeccomp.syscallRule(plainAllowed, OciSeccomp.ALLOW, null, List.of()));
    syscalls.addAll(conditional);
    return out;
  }

  /** One group of the source: names, when they apply, and how. */
  private record Group(
      String name,
      List<String> names,
      Set<SeccompArch> arches,
      Set<String> caps,
      Set<String> unlessCaps,
      KernelVersion minKernel,
      Long errno,
      List<ObjectNode> args,
      int argInIndex,
      List<BigInteger> argInValues) {

    static Group parse(JsonNode g, Map<String, BigInteger> constants) {
      String name = text(g, "name", "group");
      String where = "group '" + name + "'";
      checkKeys(g, GROUP_KEYS, where);
      List<String> names = strings(g.path("names"), where + " names");
      if (names.isEmpty() || !names.stream().allMatch(OciSeccomp::isSyscallName)) {
        throw new IllegalArgumentException(where + ": names must be syscall names: " + names);
      }
      Set<SeccompArch> arches = EnumSet.noneOf(SeccompArch.class);
      strings(g.path("arch"), where + " arch").forEach(x -> arches.add(SeccompArch.of(x)));
      Set<String> caps = capabilities(g.path("caps"), where + " caps");
      Set<String> unlessCaps = capabilities(g.path("unlessCaps"), where + " unlessCaps");
      KernelVersion minKernel =
          g.has("minKernel") ? KernelVersion.parse(text(g, "minKernel", where)) : null;
      Long errno =
          g.has("errno")
              ? value(g.get("errno"), constants, where + " errno").longValueExact()
              : null;

      List<ObjectNode> args = new ArrayList<>();
      for (JsonNode arg : g.path("args")) {
        checkKeys(arg, ARG_KEYS, where + " args");
        int index = argIndex(arg.path("index"), where);
        String op = "SCMP_CMP_" + text(arg, "op", where + " args").toUpperCase(Locale.ROOT);
        if (!OciSeccomp.OPERATORS.contains(op)) {
          throw new IllegalArgumentException(where + ": unknown op " + op);
        }
        BigInteger value = value(arg.path("value"), constants, where + " value");
        if (op.equals("SCMP_CMP_MASKED_EQ")) {
          BigInteger mask = value(arg.path("mask"), constants, where + " mask");
          // OCI's MASKED_EQ: (argument & value) == valueTwo.
          args.add(
              OciSeccomp.arg(index, OciSeccomp.unsigned(mask), OciSeccomp.unsigned(value), op));
        } else {
          if (arg.has("mask")) {
            throw new IllegalArgumentException(where + ": mask is only for MASKED_EQ");
          }
          args.add(OciSeccomp.arg(index, OciSeccomp.unsigned(value), null, op));
        }
      }
      int argInIndex = -1;
      List<BigInteger> argInValues = List.of();
      if (g.has("argIn")) {
        if (!args.isEmpty()) {
          throw new IllegalArgumentException(where + ": args and argIn exclude each other");
        }
        JsonNode in = g.get("argIn");
        checkKeys(in, ARG_IN_KEYS, where + " argIn");
        argInIndex = argIndex(in.path("index"), where);
        List<BigInteger> values = new ArrayList<>();
        for (JsonNode v : in.path("values")) {
          values.add(value(v, constants, where + " argIn"));
        }
        if (values.isEmpty()) {
          throw new IllegalArgumentException(where + ": argIn lists no values");
        }
        argInValues = List.copyOf(values);
      }
      return new Group(
          name,
          List.copyOf(names),
          Collections.unmodifiableSet(arches),
          caps,
          unlessCaps,
          minKernel,
          errno,
          List.copyOf(args),
          argInIndex,
          argInValues);
    }

    boolean appliesTo(Set<String> held, SeccompArch arch, KernelVersion kernel) {
      return (arches.isEmpty() || arches.contains(arch))
          && held.containsAll(caps)
          && unlessCaps.stream().noneMatch(held::contains)
          && (minKernel == null || kernel.atLeast(minKernel));
    }

    boolean isPlainAllow() {
      return errno == null && args.isEmpty() && argInValues.isEmpty();
    }

    List<ObjectNode> rules() {
      String action = errno == null ? OciSeccomp.ALLOW : OciSeccomp.ERRNO;
      if (argInValues.isEmpty()) {
        return List.of(OciSeccomp.syscallRule(names, action, errno, copies(args)));
      }
      // Conditions inside one rule are ANDed, so "argument is one of" takes a rule per value.
      List<ObjectNode> rules = new ArrayList<>();
      for (BigInteger v : argInValues) {
        ObjectNode eq = OciSeccomp.arg(argInIndex, OciSeccomp.unsigned(v), null, "SCMP_CMP_EQ");
        rules.add(OciSeccomp.syscallRule(names, action, errno, List.of(eq)));
      }
      return rules;
    }

    private static List<ObjectNode> copies(List<ObjectNode> nodes) {
      return nodes.stream().map(ObjectNode::deepCopy).toList();
    }
  }

  private static void checkKeys(JsonNode node, Set<String> allowed, String where) {
    if (!node.isObject()) {
      throw new IllegalArgumentException(where + " must be a JSON object");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!allowed.contains(key)) {
        throw new IllegalArgumentException(where + ": unknown key '" + key + "'");
      }
    }
  }

  private static String text(JsonNode node, String field, String where) {
    JsonNode v = node.path(field);
    if (!v.isTextual() || v.asText().isBlank()) {
      throw new IllegalArgumentException(where + ": " + field + " must be a non-empty string");
    }
    return v.asText();
  }

  private static List<String> strings(JsonNode node, String where) {
    if (node.isMissingNode()) {
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

  private static Set<String> capabilities(JsonNode node, String where) {
    Set<String> caps = new LinkedHashSet<>();
    strings(node, where).forEach(c -> caps.add(OciSeccomp.capabilityName(c)));
    return Collections.unmodifiableSet(caps);
  }

  private static int argIndex(JsonNode index, String where) {
    if (!index.canConvertToInt()
        || !index.isIntegralNumber()
        || index.intValue() < 0
        || index.intValue() > OciSeccomp.MAX_ARG_INDEX) {
      throw new IllegalArgumentException(
          where + ": argument index must be 0.." + OciSeccomp.MAX_ARG_INDEX);
    }
    return index.intValue();
  }

  /** A number, or a text of '|'-joined terms, each a constant, 0x-hex or decimal. */
  private static BigInteger value(JsonNode node, Map<String, BigInteger> constants, String where) {
    if (node.isIntegralNumber()) {
      return checkUnsigned(node.bigIntegerValue(), where);
    }
    if (!node.isTextual()) {
      throw new IllegalArgumentException(where + ": value must be a number or an expression");
    }
    BigInteger result = BigInteger.ZERO;
    for (String term : node.asText().split("\\|", -1)) {
      String t = term.trim();
      BigInteger v;
      if (constants.containsKey(t)) {
        v = constants.get(t);
      } else if (t.startsWith("0x") && t.length() > 2) {
        v = new BigInteger(t.substring(2), 16);
      } else if (!t.isEmpty() && t.chars().allMatch(Character::isDigit)) {
        v = new BigInteger(t);
      } else {
        throw new IllegalArgumentException(where + ": unknown term '" + t + "'");
      }
      result = result.or(v);
    }
    return checkUnsigned(result, where);
  }

  private static BigInteger checkUnsigned(BigInteger v, String where) {
    if (v.signum() < 0 || v.compareTo(OciSeccomp.UINT64_MAX) > 0) {
      throw new IllegalArgumentException(where + ": " + v + " is not an unsigned 64-bit value");
    }
    return v;
  }
}
