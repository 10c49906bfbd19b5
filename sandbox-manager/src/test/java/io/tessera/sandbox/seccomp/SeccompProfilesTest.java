package io.tessera.sandbox.seccomp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.UnimplementedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SeccompProfilesTest {
  private static final KernelVersion KERNEL = KernelVersion.parse("5.10.0");
  private static final SeccompProfiles PROFILES =
      new SeccompProfiles(RuntimeDefaultProfile.load(), KERNEL);

  /** Every capability the default profile has a rule for, plus ones it has none for. */
  private static final Set<String> ALL_CAPS =
      Set.of(
          "CAP_SYS_ADMIN",
          "CAP_SYS_BOOT",
          "CAP_SYS_CHROOT",
          "CAP_SYS_MODULE",
          "CAP_SYS_PACCT",
          "CAP_SYS_PTRACE",
          "CAP_SYS_RAWIO",
          "CAP_SYS_TIME",
          "CAP_SYS_TTY_CONFIG",
          "CAP_SYS_NICE",
          "CAP_SYS_RESOURCE",
          "CAP_SYSLOG",
          "CAP_BPF",
          "CAP_PERFMON",
          "CAP_DAC_READ_SEARCH",
          "CAP_NET_ADMIN",
          "CAP_CHOWN");

  @Test
  void forHostLoadsTheBuiltInProfile() {
    JsonNode p = SeccompProfiles.forHost().runtimeDefault(Set.of(), SeccompProfiles.hostArch());
    assertThat(p.path("defaultAction").asText()).isEqualTo("SCMP_ACT_ERRNO");
  }

  @Test
  void x86DefaultDeniesWithEpermAndCoversAllThreeAbis() {
    JsonNode p = PROFILES.runtimeDefault(Set.of(), "x86_64");
    assertThat(p.path("defaultAction").asText()).isEqualTo("SCMP_ACT_ERRNO");
    assertThat(p.path("defaultErrnoRet").asLong()).isEqualTo(1);
    assertThat(texts(p.path("architectures")))
        .containsExactly("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32");
    assertThat(PROFILES.runtimeDefault(Set.of(), "amd64")).isEqualTo(p);
  }

  @Test
  void x86DefaultAllowsOrdinarySyscalls() {
    Set<String> allowed = unconditional(PROFILES.runtimeDefault(Set.of(), "x86_64"));
    assertThat(allowed)
        .contains("read", "write", "execve", "openat", "mmap", "futex", "exit_group", "arch_prctl");
    assertThat(allowed).doesNotContain("sync_file_range2", "set_tls");
    // 349 generic syscalls, arch_prctl and modify_ldt, and ptrace & process_vm_* (kernel >= 4.8).
    assertThat(allowed).hasSize(354);
  }

  @Test
  void mountFamilyNeedsCapSysAdmin() {
    List<String> adminOnly =
        List.of("mount", "umount2", "unshare", "setns", "sethostname", "fsopen", "bpf", "syslog");
    JsonNode plain = PROFILES.runtimeDefault(Set.of("CAP_CHOWN", "CAP_NET_ADMIN"), "x86_64");
    for (String name : adminOnly) {
      assertThat(rulesNaming(plain, name)).as(name).isEmpty();
    }
    Set<String> admin = unconditional(PROFILES.runtimeDefault(Set.of("CAP_SYS_ADMIN"), "x86_64"));
    assertThat(admin).containsAll(adminOnly);
    // Capability names come from CRI with or without the prefix, in any case.
    assertThat(unconditional(PROFILES.runtimeDefault(Set.of("sys_admin"), "x86_64")))
        .containsAll(adminOnly);
  }

  @Test
  void rebootOnlyEverWithCapSysBoot() {
    Set<String> allButBoot = new HashSet<>(ALL_CAPS);
    allButBoot.remove("CAP_SYS_BOOT");
    assertThat(rulesNaming(PROFILES.runtimeDefault(allButBoot, "x86_64"), "reboot")).isEmpty();
    assertThat(rulesNaming(PROFILES.runtimeDefault(Set.of(), "aarch64"), "reboot")).isEmpty();
    assertThat(unconditional(PROFILES.runtimeDefault(Set.of("CAP_SYS_BOOT"), "x86_64")))
        .contains("reboot");
  }

  @Test
  void personalityIsAllowedForTheHarmlessDomainsOnly() {
    JsonNode p = PROFILES.runtimeDefault(Set.of(), "x86_64");
    List<JsonNode> rules = rulesNaming(p, "personality");
    assertThat(rules).hasSize(5);
    List<Long> values = new ArrayList<>();
    for (JsonNode r : rules) {
      assertThat(r.path("action").asText()).isEqualTo("SCMP_ACT_ALLOW");
      assertThat(r.path("args")).hasSize(1);
      JsonNode arg = r.path("args").get(0);
      assertThat(arg.path("index").asInt()).isZero();
      assertThat(arg.path("op").asText()).isEqualTo("SCMP_CMP_EQ");
      values.add(arg.path("value").asLong());
    }
    assertThat(values).containsExactly(0x0L, 0x8L, 0x20000L, 0x20008L, 0xffffffffL);
  }

  @Test
  void cloneWithoutCapSysAdminMayNotCreateNamespacesAndClone3SaysEnosys() {
    JsonNode p = PROFILES.runtimeDefault(Set.of(), "x86_64");
    List<JsonNode> clone = rulesNaming(p, "clone");
    assertThat(clone).hasSize(1);
    JsonNode arg = clone.get(0).path("args").get(0);
    assertThat(arg.path("op").asText()).isEqualTo("SCMP_CMP_MASKED_EQ");
    assertThat(arg.path("index").asInt()).isZero();
    // CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET, required to be all clear.
    assertThat(arg.path("value").asLong()).isEqualTo(0x7E020000L).isEqualTo(2114060288L);
    assertThat(arg.path("valueTwo").asLong()).isZero();

    List<JsonNode> clone3 = rulesNaming(p, "clone3");
    assertThat(clone3).hasSize(1);
    assertThat(clone3.get(0).path("action").asText()).isEqualTo("SCMP_ACT_ERRNO");
    assertThat(clone3.get(0).path("errnoRet").asInt()).isEqualTo(38);

    JsonNode admin = PROFILES.runtimeDefault(Set.of("CAP_SYS_ADMIN"), "x86_64");
    assertThat(unconditional(admin)).contains("clone", "clone3");
    assertThat(rulesNaming(admin, "clone3")).hasSize(1); // only the unconditional allowance
  }

  @Test
  void socketIsAllowedForEveryFamilyButVsock() {
    List<JsonNode> socket = rulesNaming(PROFILES.runtimeDefault(Set.of(), "x86_64"), "socket");
    assertThat(socket).hasSize(1);
    JsonNode arg = socket.get(0).path("args").get(0);
    assertThat(arg.path("op").asText()).isEqualTo("SCMP_CMP_NE");
    assertThat(arg.path("value").asInt()).isEqualTo(40);
  }

  @ParameterizedTest
  @CsvSource({
    "CAP_SYS_PTRACE, kcmp",
    "CAP_SYS_PTRACE, pidfd_getfd",
    "CAP_SYS_MODULE, init_module",
    "CAP_SYS_MODULE, finit_module",
    "CAP_SYS_RAWIO, iopl",
    "CAP_SYS_PACCT, acct",
    "CAP_SYS_TIME, settimeofday",
    "CAP_SYS_TIME, clock_settime",
    "CAP_SYS_NICE, mbind",
    "CAP_SYS_NICE, set_mempolicy",
    "CAP_SYSLOG, syslog",
    "CAP_BPF, bpf",
    "CAP_PERFMON, perf_event_open",
    "CAP_SYS_CHROOT, chroot",
    "CAP_DAC_READ_SEARCH, open_by_handle_at",
    "CAP_SYS_TTY_CONFIG, vhangup"
  })
  void capabilityUnlocksItsSyscalls(String cap, String syscall) {
    assertThat(rulesNaming(PROFILES.runtimeDefault(Set.of(), "x86_64"), syscall)).isEmpty();
    assertThat(unconditional(PROFILES.runtimeDefault(Set.of(cap), "x86_64"))).contains(syscall);
  }

  @Test
  void ptraceOfOwnChildrenNeedsKernel48() {
    SeccompProfiles old =
        new SeccompProfiles(RuntimeDefaultProfile.load(), KernelVersion.parse("4.4"));
    assertThat(rulesNaming(old.runtimeDefault(Set.of(), "x86_64"), "ptrace")).isEmpty();
    assertThat(unconditional(old.runtimeDefault(Set.of("CAP_SYS_PTRACE"), "x86_64")))
        .contains("ptrace");
    assertThat(unconditional(PROFILES.runtimeDefault(Set.of(), "x86_64"))).contains("ptrace");
  }

  @Test
  void aarch64GetsArmAbisAndArmCalls() {
    JsonNode p = PROFILES.runtimeDefault(Set.of(), "aarch64");
    assertThat(texts(p.path("architectures")))
        .containsExactly("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM");
    Set<String> allowed = unconditional(p);
    assertThat(allowed).contains("read", "set_tls", "cacheflush", "sync_file_range2");
    assertThat(allowed).doesNotContain("arch_prctl", "modify_ldt");
    assertThat(PROFILES.runtimeDefault(Set.of(), "arm64")).isEqualTo(p);
  }

  @Test
  void noSyscallIsBothAllowedOutrightAndDeniedByARule() {
    for (Set<String> caps : List.of(Set.<String>of(), Set.of("CAP_SYS_ADMIN"), ALL_CAPS)) {
      for (String arch : List.of("x86_64", "aarch64")) {
        JsonNode p = PROFILES.runtimeDefault(caps, arch);
        Set<String> allowed = unconditional(p);
        for (JsonNode rule : p.path("syscalls")) {
          if (!rule.path("action").asText().equals("SCMP_ACT_ALLOW")) {
            assertThat(texts(rule.path("names"))).doesNotContainAnyElementsOf(allowed);
          }
          for (String n : texts(rule.path("names"))) {
            assertThat(OciSeccomp.isSyscallName(n)).as(n).isTrue();
          }
        }
      }
    }
  }

  @Test
  void eachCallReturnsAFreshObject() {
    ObjectNode first = (ObjectNode) PROFILES.runtimeDefault(Set.of(), "x86_64");
    first.put("defaultAction", "SCMP_ACT_ALLOW");
    assertThat(PROFILES.runtimeDefault(Set.of(), "x86_64").path("defaultAction").asText())
        .isEqualTo("SCMP_ACT_ERRNO");
  }

  @Test
  void refusesUnsupportedArchitecturesAndBadCapabilityNames() {
    assertThatThrownBy(() -> PROFILES.runtimeDefault(Set.of(), "s390x"))
        .isInstanceOf(UnimplementedException.class)
        .hasMessageContaining("architecture 's390x' is not supported");
    assertThatThrownBy(() -> PROFILES.runtimeDefault(Set.of("CAP SYS ADMIN"), "x86_64"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("'CAP SYS ADMIN' is not a capability name");
  }

  @Test
  void unconfinedIsNoSeccompAtAll() {
    assertThat(SeccompProfiles.unconfined()).isEmpty();
    assertThat(PROFILES.forContainer(SeccompProfile.unconfined(), false, Set.of(), "x86_64"))
        .isEmpty();
    assertThat(PROFILES.forContainer(null, false, Set.of(), "x86_64")).isEmpty();
  }

  @Test
  void privilegedContainersRunUnconfinedUnlessALocalhostProfileWasAskedFor(@TempDir Path dir)
      throws IOException {
    assertThat(PROFILES.forContainer(SeccompProfile.runtimeDefault(), true, ALL_CAPS, "x86_64"))
        .isEmpty();
    assertThat(PROFILES.forContainer(null, true, ALL_CAPS, "x86_64")).isEmpty();
    assertThat(PROFILES.forContainer(SeccompProfile.runtimeDefault(), false, Set.of(), "x86_64"))
        .contains(PROFILES.runtimeDefault(Set.of(), "x86_64"));

    Path file = dir.resolve("audit.json");
    Files.writeString(file, "{\"defaultAction\": \"SCMP_ACT_LOG\"}");
    SeccompProfile localhost = SeccompProfile.localhost(file.toString());
    assertThat(PROFILES.forContainer(localhost, true, ALL_CAPS, "x86_64"))
        .hasValueSatisfying(
            p -> assertThat(p.path("defaultAction").asText()).isEqualTo("SCMP_ACT_LOG"));
    assertThat(PROFILES.forContainer(localhost, false, Set.of(), "x86_64")).isPresent();
  }

  static Set<String> unconditional(JsonNode profile) {
    Set<String> names = new TreeSet<>();
    for (JsonNode rule : profile.path("syscalls")) {
      if (rule.path("action").asText().equals("SCMP_ACT_ALLOW") && rule.path("args").isEmpty()) {
        List<String> ruleNames = texts(rule.path("names"));
        assertThat(ruleNames).doesNotHaveDuplicates();
        names.addAll(ruleNames);
      }
    }
    return names;
  }

  static List<JsonNode> rulesNaming(JsonNode profile, String syscall) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode rule : profile.path("syscalls")) {
      if (texts(rule.path("names")).contains(syscall)) {
        out.add(rule);
      }
    }
    return out;
  }

  static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
