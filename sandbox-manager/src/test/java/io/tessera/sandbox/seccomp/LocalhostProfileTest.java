package io.tessera.sandbox.seccomp;

import static io.tessera.sandbox.seccomp.SeccompProfilesTest.rulesNaming;
import static io.tessera.sandbox.seccomp.SeccompProfilesTest.texts;
import static io.tessera.sandbox.seccomp.SeccompProfilesTest.unconditional;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.tessera.kernel.errors.InvalidArgumentException;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalhostProfileTest {
  private static final SeccompProfiles PROFILES =
      new SeccompProfiles(RuntimeDefaultProfile.load(), KernelVersion.parse("5.4"));

  /** Docker form, shaped like moby's default.json, trimmed to the constructs that matter. */
  private static final String DOCKER_FORM =
      """
      {
        "defaultAction": "SCMP_ACT_ERRNO",
        "defaultErrnoRet": 1,
        "archMap": [
          {"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]},
          {"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]},
          {"architecture": "SCMP_ARCH_RISCV64", "subArchitectures": null}
        ],
        "syscalls": [
          {"names": ["read", "write"], "action": "SCMP_ACT_ALLOW", "comment": "dropped"},
          {"name": "getpid", "action": "SCMP_ACT_ALLOW"},
          {"names": ["ptrace"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "4.8"}},
          {"names": ["newer"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "6.0"}},
          {"names": ["older"], "action": "SCMP_ACT_ALLOW", "excludes": {"minKernel": "5.10"}},
          {"names": ["arch_prctl"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["amd64", "x32"]}},
          {"names": ["set_tls"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["arm", "arm64"]}},
          {"names": ["mount"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}},
          {"names": ["both"], "action": "SCMP_ACT_ALLOW",
           "includes": {"caps": ["CAP_SYS_ADMIN", "CAP_NET_ADMIN"]}},
          {"names": ["clone"], "action": "SCMP_ACT_ALLOW",
           "args": [{"index": 0, "value": 2114060288, "op": "SCMP_CMP_MASKED_EQ"}],
           "excludes": {"caps": ["CAP_SYS_ADMIN"], "arches": ["s390", "s390x"]}},
          {"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38,
           "excludes": {"caps": ["CAP_SYS_ADMIN"]}}
        ]
      }
      """;

  @TempDir Path dir;
  private Path docker;

  @BeforeEach
  void writeDockerForm() throws IOException {
    docker = write("docker.json", DOCKER_FORM);
  }

  private Path write(String name, String content) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, content);
    return p;
  }

  @Test
  void ociFormPassesThrough() throws IOException {
    String oci =
        """
        {"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":1,
         "architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86"],
         "flags":["SECCOMP_FILTER_FLAG_LOG"],
         "syscalls":[
          {"names":["read","write"],"action":"SCMP_ACT_ALLOW"},
          {"names":["kill"],"action":"SCMP_ACT_ERRNO","errnoRet":13,
           "args":[{"index":1,"value":9,"valueTwo":0,"op":"SCMP_CMP_EQ"}]}]}
        """;
    JsonNode out = PROFILES.localhost(write("oci.json", oci), Set.of(), "x86_64");
    assertThat(out.toString()).isEqualTo(OciSeccomp.MAPPER.readTree(oci).toString());
  }

  @Test
  void dockerFormTakesTheHostsArchMapEntry() {
    JsonNode x86 = PROFILES.localhost(docker, Set.of(), "x86_64");
    assertThat(texts(x86.path("architectures")))
        .containsExactly("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32");
    JsonNode arm = PROFILES.localhost(docker, Set.of(), "aarch64");
    assertThat(texts(arm.path("architectures")))
        .containsExactly("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM");
    assertThat(x86.has("archMap")).isFalse();
    assertThat(x86.path("defaultErrnoRet").asInt()).isEqualTo(1);
  }

  @Test
  void dockerFormResolvesIncludesAndExcludes() {
    JsonNode x86 = PROFILES.localhost(docker, Set.of("CAP_NET_ADMIN"), "x86_64");
    Set<String> allowed = unconditional(x86);
    assertThat(allowed).contains("read", "write", "getpid", "ptrace", "older", "arch_prctl");
    assertThat(allowed).doesNotContain("newer", "set_tls", "mount", "both");
    assertThat(rulesNaming(x86, "clone")).hasSize(1);
    assertThat(rulesNaming(x86, "clone3").get(0).path("errnoRet").asInt()).isEqualTo(38);
    assertThat(x86.toString()).doesNotContain("comment", "includes", "excludes");

    JsonNode admin = PROFILES.localhost(docker, Set.of("SYS_ADMIN", "NET_ADMIN"), "x86_64");
    assertThat(unconditional(admin)).contains("mount", "both");
    assertThat(rulesNaming(admin, "clone")).isEmpty();
    assertThat(rulesNaming(admin, "clone3")).isEmpty();
    assertThat(unconditional(PROFILES.localhost(docker, Set.of("CAP_SYS_ADMIN"), "x86_64")))
        .doesNotContain("both");

    JsonNode arm = PROFILES.localhost(docker, Set.of(), "aarch64");
    assertThat(unconditional(arm)).contains("set_tls").doesNotContain("arch_prctl");
  }

  @Test
  void dockerFormHonoursTheKernelVersion() {
    SeccompProfiles newer =
        new SeccompProfiles(RuntimeDefaultProfile.load(), KernelVersion.parse("6.1"));
    Set<String> allowed = unconditional(newer.localhost(docker, Set.of(), "x86_64"));
    assertThat(allowed).contains("newer").doesNotContain("older");
  }

  @Test
  void keepsUnsigned64BitValuesExact() throws IOException {
    Path p =
        write(
            "big.json",
            """
            {"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["ioctl"],
             "action":"SCMP_ACT_ERRNO","args":[{"index":1,"value":18446744073709551615,
             "op":"SCMP_CMP_EQ"}]}]}
            """);
    JsonNode arg = PROFILES.localhost(p, Set.of(), "x86_64").path("syscalls").get(0).path("args");
    assertThat(arg.get(0).path("value").bigIntegerValue()).isEqualTo(OciSeccomp.UINT64_MAX);
    assertThat(arg.get(0).path("valueTwo").asLong()).isZero();
  }

  @Test
  void ignoresKeysItDoesNotKnow() throws IOException {
    Path p = write("extra.json", "{\"defaultAction\":\"SCMP_ACT_LOG\",\"$schema\":\"x\"}");
    assertThat(PROFILES.localhost(p, Set.of(), "x86_64").toString())
        .isEqualTo("{\"defaultAction\":\"SCMP_ACT_LOG\"}");
  }

  @Test
  void refusesARelativeOrMissingPath() {
    assertThatThrownBy(() -> PROFILES.localhost(Path.of("profiles/a.json"), Set.of(), "x86_64"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessage("seccomp profile profiles/a.json: not an absolute path");
    Path missing = dir.resolve("missing.json");
    assertThatThrownBy(() -> PROFILES.localhost(missing, Set.of(), "x86_64"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessage("seccomp profile " + missing + ": no such file");
    assertThatThrownBy(() -> PROFILES.localhost(dir, Set.of(), "x86_64"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessage("seccomp profile " + dir + ": not a regular file");
  }

  @Test
  void refusesFilesThatAreNoProfile() throws IOException {
    assertInvalid("", "empty file");
    assertInvalid("{\"defaultAction\": ", "not valid JSON");
    assertInvalid("[1]", "not a JSON object");
    assertInvalid("{\"syscalls\": []}", "defaultAction is missing");
    assertInvalid(
        "{\"defaultAction\": \"SCMP_ACT_MAYBE\"}", "defaultAction must be one of [SCMP_ACT_ALLOW");
    assertInvalid(
        "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultAction\": \"SCMP_ACT_ALLOW\"}",
        "Duplicate field 'defaultAction'");
    assertInvalid(
        "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\"],"
            + "\"archMap\":[{\"architecture\":\"SCMP_ARCH_X86_64\"}]}",
        "both architectures and archMap are given");
    assertInvalid(
        "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"x86_64\"]}",
        "architectures: unknown architecture x86_64");
    assertInvalid(
        "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"name\":\"read\","
            + "\"names\":[\"write\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
        "syscalls[0]: both name and names are given");
    assertInvalid(
        "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"]}]}",
        "syscalls[0].action is missing");
    assertInvalid(
        "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"action\":\"SCMP_ACT_ALLOW\"}]}",
        "syscalls[0] names no syscall");
    assertInvalid(
        "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],"
            + "\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":6,\"value\":1,"
            + "\"op\":\"SCMP_CMP_EQ\"}]}]}",
        "syscalls[0].args[0].index must be an integer 0..5");
    assertInvalid(
        "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],"
            + "\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":-1,"
            + "\"op\":\"SCMP_CMP_EQ\"}]}]}",
        "syscalls[0].args[0].value must be an unsigned 64-bit integer");
    assertInvalid(
        "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],"
            + "\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":"
            + BigInteger.TWO.pow(64)
            + ",\"op\":\"SCMP_CMP_EQ\"}]}]}",
        "syscalls[0].args[0].value must be an unsigned 64-bit integer");
    assertInvalid(
        "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],"
            + "\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":1,"
            + "\"op\":\"EQ\"}]}]}",
        "syscalls[0].args[0].op must be one of");
    assertInvalid(
        "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],"
            + "\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"minKernel\":\"new\"}}]}",
        "syscalls[0].includes.minKernel: 'new' is not a kernel version");
    assertInvalid(
        "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"flags\":[\"SECCOMP_FILTER_FLAG_FAST\"]}",
        "flags: unknown flag SECCOMP_FILTER_FLAG_FAST");
  }

  @Test
  void refusesOversizedFiles() throws IOException {
    Path big = dir.resolve("big.json");
    Files.write(big, new byte[(int) LocalhostProfile.MAX_BYTES + 1]);
    assertThatThrownBy(() -> PROFILES.localhost(big, Set.of(), "x86_64"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageStartingWith("seccomp profile " + big + ": is 1048577 bytes, more than");
  }

  private void assertInvalid(String content, String problem) throws IOException {
    Path p = write("bad.json", content);
    assertThatThrownBy(() -> PROFILES.localhost(p, Set.of(), "x86_64"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageStartingWith("seccomp profile " + p + ": ")
        .hasMessageContaining(problem);
  }
}
