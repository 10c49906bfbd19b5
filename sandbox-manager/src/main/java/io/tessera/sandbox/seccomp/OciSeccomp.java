package io.tessera.sandbox.seccomp;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The vocabulary of the OCI runtime-spec {@code linux.seccomp} object (runtime-spec config-linux,
 * "Seccomp") and small helpers to build and check it. Stateless.
 */
final class OciSeccomp {
  static final String ALLOW = "SCMP_ACT_ALLOW";
  static final String ERRNO = "SCMP_ACT_ERRNO";

  static final Set<String> ACTIONS =
      Set.of(
          "SCMP_ACT_KILL",
          "SCMP_ACT_KILL_PROCESS",
          "SCMP_ACT_KILL_THREAD",
          "SCMP_ACT_TRAP",
          ERRNO,
          "SCMP_ACT_TRACE",
          ALLOW,
          "SCMP_ACT_LOG",
          "SCMP_ACT_NOTIFY");

  static final Set<String> OPERATORS =
      Set.of(
          "SCMP_CMP_NE",
          "SCMP_CMP_LT",
          "SCMP_CMP_LE",
          "SCMP_CMP_EQ",
          "SCMP_CMP_GE",
          "SCMP_CMP_GT",
          "SCMP_CMP_MASKED_EQ");

  static final Set<String> ARCHITECTURES =
      Set.of(
          "SCMP_ARCH_X86",
          "SCMP_ARCH_X86_64",
          "SCMP_ARCH_X32",
          "SCMP_ARCH_ARM",
          "SCMP_ARCH_AARCH64",
          "SCMP_ARCH_MIPS",
          "SCMP_ARCH_MIPS64",
          "SCMP_ARCH_MIPS64N32",
          "SCMP_ARCH_MIPSEL",
          "SCMP_ARCH_MIPSEL64",
          "SCMP_ARCH_MIPSEL64N32",
          "SCMP_ARCH_PPC",
          "SCMP_ARCH_PPC64",
          "SCMP_ARCH_PPC64LE",
          "SCMP_ARCH_S390",
          "SCMP_ARCH_S390X",
          "SCMP_ARCH_PARISC",
          "SCMP_ARCH_PARISC64",
          "SCMP_ARCH_RISCV64",
          "SCMP_ARCH_LOONGARCH64",
          "SCMP_ARCH_M68K",
          "SCMP_ARCH_SH",
          "SCMP_ARCH_SHEB");

  static final Set<String> FLAGS =
      Set.of(
          "SECCOMP_FILTER_FLAG_TSYNC",
          "SECCOMP_FILTER_FLAG_LOG",
          "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
          "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");

  /** The kernel hands a filter six syscall arguments (struct seccomp_data.args[6]). */
  static final int MAX_ARG_INDEX = 5;

  static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
  static final long UINT32_MAX = 0xffff_ffffL;

  private static final Pattern SYSCALL_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,63}");

  static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Strict about what is certainly a mistake (duplicate keys, trailing garbage); thread-safe. */
  static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private OciSeccomp() {}

  static boolean isSyscallName(String name) {
    return SYSCALL_NAME.matcher(name).matches();
  }

  /** "SYS_ADMIN", "cap_sys_admin" and "CAP_SYS_ADMIN" all name the same capability. */
  static String capabilityName(String cap) {
    String c = cap.trim().toUpperCase(Locale.ROOT);
    return c.startsWith("CAP_") ? c : "CAP_" + c;
  }

  /** A JSON number node for an unsigned 64-bit value, exact past Long.MAX_VALUE. */
  static JsonNode unsigned(BigInteger value) {
    if (value.signum() < 0 || value.compareTo(UINT64_MAX) > 0) {
      throw new IllegalArgumentException(value + " is not an unsigned 64-bit value");
    }
    return value.bitLength() < 64 ? NODES.numberNode(value.longValue()) : NODES.numberNode(value);
  }

  static ObjectNode syscallRule(
      Collection<String> names, String action, Long errnoRet, Collection<ObjectNode> args) {
    ObjectNode rule = NODES.objectNode();
    ArrayNode n = rule.putArray("names");
    names.forEach(n::add);
    rule.put("action", action);
    if (errnoRet != null) {
      rule.put("errnoRet", errnoRet);
    }
    if (!args.isEmpty()) {
      rule.putArray("args").addAll(args);
    }
    return rule;
  }

  static ObjectNode arg(int index, JsonNode value, JsonNode valueTwo, String op) {
    ObjectNode a = NODES.objectNode();
    a.put("index", index);
    a.set("value", value);
    if (valueTwo != null) {
      a.set("valueTwo", valueTwo);
    }
    a.put("op", op);
    return a;
  }
}
