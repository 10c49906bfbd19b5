package io.tessera.sandbox.seccomp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The compact source format, on small samples. */
class RuntimeDefaultProfileTest {
  private static final KernelVersion KERNEL = KernelVersion.parse("6.1");

  private static RuntimeDefaultProfile parse(String groupsJson) throws Exception {
    String text =
        """
        {
          "format": "tessera-seccomp-groups/v1",
          "defaultAction": "SCMP_ACT_ERRNO",
          "defaultErrno": "EPERM",
          "architectures": {"x86_64": ["SCMP_ARCH_X86_64"], "aarch64": ["SCMP_ARCH_AARCH64"]},
          "constants": {"EPERM": 1, "ENOSYS": 38, "A": "0x10", "B": "0x01"},
          "groups": %s
        }
        """
            .formatted(groupsJson);
    return RuntimeDefaultProfile.parse(OciSeccomp.MAPPER.readTree(text));
  }

  @Test
  void expandsConditionsValuesAndOneRulePerArgInValue() throws Exception {
    RuntimeDefaultProfile p =
        parse(
            """
            [
              {"name": "base", "names": ["write", "read"]},
              {"name": "more", "names": ["close", "read"]},
              {"name": "masked", "names": ["clone"], "unlessCaps": ["SYS_ADMIN"],
               "args": [{"index": 0, "op": "MASKED_EQ", "mask": "A|B", "value": 0}]},
              {"name": "one of", "names": ["personality"],
               "argIn": {"index": 0, "values": ["A", 8, "0xffffffff"]}},
              {"name": "enosys", "names": ["clone3"], "errno": "ENOSYS"},
              {"name": "arm only", "arch": ["aarch64"], "names": ["set_tls"]},
              {"name": "future", "minKernel": "99.0", "names": ["newcall"]},
              {"name": "admin", "caps": ["CAP_SYS_ADMIN"], "names": ["mount"]}
            ]
            """);
    JsonNode out = p.expand(Set.of(), SeccompArch.X86_64, KERNEL);
    String expected =
        """
        {"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":1,
         "architectures":["SCMP_ARCH_X86_64"],
         "syscalls":[
          {"names":["close","read","write"],"action":"SCMP_ACT_ALLOW"},
          {"names":["clone"],"action":"SCMP_ACT_ALLOW",
           "args":[{"index":0,"value":17,"valueTwo":0,"op":"SCMP_CMP_MASKED_EQ"}]},
          {"names":["personality"],"action":"SCMP_ACT_ALLOW",
           "args":[{"index":0,"value":16,"op":"SCMP_CMP_EQ"}]},
          {"names":["personality"],"action":"SCMP_ACT_ALLOW",
           "args":[{"index":0,"value":8,"op":"SCMP_CMP_EQ"}]},
          {"names":["personality"],"action":"SCMP_ACT_ALLOW",
           "args":[{"index":0,"value":4294967295,"op":"SCMP_CMP_EQ"}]},
          {"names":["clone3"],"action":"SCMP_ACT_ERRNO","errnoRet":38}
         ]}
        """;
    // Compared as text: Jackson's node equality tells an IntNode 1 from a LongNode 1.
    assertThat(out.toString()).isEqualTo(OciSeccomp.MAPPER.readTree(expected).toString());

    JsonNode admin = p.expand(Set.of("CAP_SYS_ADMIN"), SeccompArch.AARCH64, KERNEL);
    assertThat(admin.path("syscalls").get(0).path("names").toString())
        .isEqualTo("[\"close\",\"mount\",\"read\",\"set_tls\",\"write\"]");
    assertThat(admin.toString()).doesNotContain("MASKED_EQ");
  }

  @Test
  void refusesUnknownKeysSoTyposCannotWeakenTheProfile() {
    assertThatThrownBy(() -> parse("[{\"name\": \"g\", \"names\": [\"read\"], \"cap\": [\"X\"]}]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("group 'g': unknown key 'cap'");
  }

  @Test
  void refusesBadValuesOperatorsAndShapes() {
    assertThatThrownBy(
            () ->
                parse(
                    "[{\"name\": \"g\", \"names\": [\"x\"],"
                        + " \"args\": [{\"index\": 0, \"op\": \"EQ\", \"value\": \"NOPE\"}]}]"))
        .hasMessage("group 'g' value: unknown term 'NOPE'");
    assertThatThrownBy(
            () ->
                parse(
                    "[{\"name\": \"g\", \"names\": [\"x\"],"
                        + " \"args\": [{\"index\": 0, \"op\": \"ABOUT\", \"value\": 1}]}]"))
        .hasMessage("group 'g': unknown op SCMP_CMP_ABOUT");
    assertThatThrownBy(
            () ->
                parse(
                    "[{\"name\": \"g\", \"names\": [\"x\"],"
                        + " \"args\": [{\"index\": 6, \"op\": \"EQ\", \"value\": 1}]}]"))
        .hasMessage("group 'g': argument index must be 0..5");
    assertThatThrownBy(
            () ->
                parse(
                    "[{\"name\": \"g\", \"names\": [\"x\"],"
                        + " \"args\": [{\"index\": 0, \"op\": \"EQ\", \"value\": 1}],"
                        + " \"argIn\": {\"index\": 0, \"values\": [1]}}]"))
        .hasMessage("group 'g': args and argIn exclude each other");
    assertThatThrownBy(() -> parse("[{\"name\": \"g\", \"names\": [\"Not A Name\"]}]"))
        .hasMessageContaining("names must be syscall names");
    assertThatThrownBy(() -> parse("[]")).hasMessage("groups must be a non-empty array");
  }
}
