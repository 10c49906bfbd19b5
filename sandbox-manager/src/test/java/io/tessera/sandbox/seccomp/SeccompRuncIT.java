package io.tessera.sandbox.seccomp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The profiles as runc 1.1 loads them: real containers from a minimal busybox bundle. Needs root,
 * runc and busybox-static; fails (never skips) without them.
 */
class SeccompRuncIT {
  private static final Path BUSYBOX = Path.of("/bin/busybox");
  private static final String ARCH = SeccompProfiles.hostArch();

  /** Roughly what a CRI runtime grants by default, without CAP_SYS_ADMIN. */
  private static final List<String> DEFAULT_CAPS =
      List.of(
          "CAP_CHOWN",
          "CAP_DAC_OVERRIDE",
          "CAP_FSETID",
          "CAP_FOWNER",
          "CAP_MKNOD",
          "CAP_NET_RAW",
          "CAP_SETGID",
          "CAP_SETUID",
          "CAP_SETFCAP",
          "CAP_SETPCAP",
          "CAP_NET_BIND_SERVICE",
          "CAP_SYS_CHROOT",
          "CAP_KILL",
          "CAP_AUDIT_WRITE");

  private static final String UNSHARE = "echo ok; unshare -m true && echo unshared";

  private static String runc;

  private final SeccompProfiles profiles = SeccompProfiles.forHost();
  private final List<String> containers = new ArrayList<>();
  private Path work;

  @BeforeAll
  static void hostHasWhatTheTestNeeds() throws IOException {
    assertThat(Files.getAttribute(Path.of("/proc/self"), "unix:uid"))
        .as("these tests run runc and must run as root")
        .isEqualTo(0);
    runc =
        Stream.of("/usr/sbin/runc", "/usr/bin/runc", "/usr/local/sbin/runc", "/usr/local/bin/runc")
            .filter(p -> Files.isExecutable(Path.of(p)))
            .findFirst()
            .orElse(null);
    assertThat(runc).as("runc must be installed (Debian package runc)").isNotNull();
    assertThat(BUSYBOX).as("busybox-static must be installed").isExecutable();
  }

  @BeforeEach
  void createWorkDir() throws IOException {
    work = Files.createTempDirectory("tessera-seccomp-it-");
  }

  @AfterEach
  void cleanUp() throws Exception {
    try {
      for (String id : containers) {
        // runc run deletes a container that exited; this catches one that did not get there.
        Process p =
            new ProcessBuilder(runc, "--root", runcRoot().toString(), "delete", "-f", id)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
    } finally {
      try (Stream<Path> walk = Files.walk(work)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  @Test
  void runtimeDefaultLetsOrdinaryProgramsRun() throws Exception {
    JsonNode seccomp = profiles.runtimeDefault(Set.copyOf(DEFAULT_CAPS), ARCH);
    Result r = run(DEFAULT_CAPS, seccomp, "echo ok; cat /proc/self/status | grep Seccomp:");
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.stdout).startsWith("ok\n");
    // Mode 2 is a filter: proof that runc installed one.
    assertThat(r.stdout).containsPattern("Seccomp:\\s+2");
  }

  @Test
  void withoutSeccompCapSysAdminIsEnoughToUnshare() throws Exception {
    Result r = run(withSysAdmin(), null, UNSHARE);
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.stdout).isEqualTo("ok\nunshared\n");
  }

  @Test
  void runtimeDefaultWithoutCapSysAdminBlocksUnshareEvenWhenTheProcessHoldsIt() throws Exception {
    // The filter is computed as if CAP_SYS_ADMIN were not held, while the process does hold it:
    // a refusal can only come from the filter.
    JsonNode seccomp = profiles.runtimeDefault(Set.copyOf(DEFAULT_CAPS), ARCH);
    Result r = run(withSysAdmin(), seccomp, UNSHARE);
    assertThat(r.exitCode).as(r.toString()).isNotZero();
    assertThat(r.stdout).isEqualTo("ok\n");
    assertThat(r.stderr).contains("unshare").contains("Operation not permitted");
  }

  @Test
  void runtimeDefaultWithCapSysAdminAllowsUnshare() throws Exception {
    JsonNode seccomp = profiles.runtimeDefault(Set.copyOf(withSysAdmin()), ARCH);
    Result r = run(withSysAdmin(), seccomp, UNSHARE);
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.stdout).isEqualTo("ok\nunshared\n");
  }

  @Test
  void dockerFormLocalhostProfileIsTranslatedIntoAFilterRuncLoads() throws Exception {
    Path profile = work.resolve("deny-mkdir.json");
    Files.writeString(
        profile,
        """
        {
          "defaultAction": "SCMP_ACT_ALLOW",
          "archMap": [
            {"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]},
            {"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]}
          ],
          "syscalls": [
            {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
             "comment": "kept for every container on amd64 and arm64",
             "includes": {"arches": ["amd64", "arm64"]}},
            {"names": ["rmdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
             "excludes": {"caps": ["CAP_CHOWN"]}}
          ]
        }
        """);
    JsonNode seccomp = profiles.localhost(profile, Set.copyOf(DEFAULT_CAPS), ARCH);
    Result r =
        run(DEFAULT_CAPS, seccomp, "mkdir /tmp/a; echo mkdir=$?; rmdir /dev/shm-none; echo done");
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.stdout).contains("mkdir=1").contains("done");
    assertThat(r.stderr).contains("Operation not permitted");
    // rmdir's rule was excluded (CAP_CHOWN is held), so rmdir reaches the kernel and fails there.
    assertThat(r.stderr).contains("No such file or directory");
  }

  private static List<String> withSysAdmin() {
    List<String> caps = new ArrayList<>(DEFAULT_CAPS);
    caps.add("CAP_SYS_ADMIN");
    return caps;
  }

  private Path runcRoot() {
    return work.resolve("runc-root");
  }

  /** Builds a bundle running {@code sh -c script} and runs it to completion with runc. */
  private Result run(List<String> caps, JsonNode seccomp, String script) throws Exception {
    String id = "tessera-seccomp-" + UUID.randomUUID().toString().substring(0, 8);
    Path bundle = work.resolve(id);
    Path bin = Files.createDirectories(bundle.resolve("rootfs/bin"));
    for (String dir : List.of("proc", "dev", "tmp")) {
      Files.createDirectories(bundle.resolve("rootfs").resolve(dir));
    }
    Files.copy(BUSYBOX, bin.resolve("busybox"));
    for (String applet :
        List.of("sh", "echo", "unshare", "cat", "true", "grep", "mkdir", "rmdir")) {
      Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
    }
    Files.writeString(bundle.resolve("config.json"), config(caps, seccomp, script).toString());

    Path out = work.resolve(id + ".out");
    Path err = work.resolve(id + ".err");
    containers.add(id);
    Process p =
        new ProcessBuilder(
                runc, "--root", runcRoot().toString(), "run", "--bundle", bundle.toString(), id)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError("runc run " + id + " did not finish within 60 s");
    }
    return new Result(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private static ObjectNode config(List<String> caps, JsonNode seccomp, String script) {
    ObjectNode c = OciSeccomp.NODES.objectNode();
    c.put("ociVersion", "1.0.2");
    ObjectNode process = c.putObject("process");
    process.put("terminal", false);
    process.putObject("user").put("uid", 0).put("gid", 0);
    process.putArray("args").add("sh").add("-c").add(script);
    process.putArray("env").add("PATH=/bin");
    process.put("cwd", "/");
    ObjectNode capabilities = process.putObject("capabilities");
    for (String set : List.of("bounding", "effective", "permitted")) {
      ArrayNode a = capabilities.putArray(set);
      caps.forEach(a::add);
    }
    // As the kubelet's default (allowPrivilegeEscalation: true): runc then installs the filter
    // before dropping privileges, so the filter must allow runc's own last steps too.
    process.put("noNewPrivileges", false);
    c.putObject("root").put("path", "rootfs").put("readonly", false);
    c.put("hostname", "seccomp-it");
    ArrayNode mounts = c.putArray("mounts");
    mounts.addObject().put("destination", "/proc").put("type", "proc").put("source", "proc");
    mounts
        .addObject()
        .put("destination", "/dev")
        .put("type", "tmpfs")
        .put("source", "tmpfs")
        .set(
            "options",
            OciSeccomp.NODES.arrayNode().add("nosuid").add("mode=755").add("size=65536k"));
    mounts
        .addObject()
        .put("destination", "/tmp")
        .put("type", "tmpfs")
        .put("source", "tmpfs")
        .set("options", OciSeccomp.NODES.arrayNode().add("nosuid").add("nodev"));
    ObjectNode linux = c.putObject("linux");
    ArrayNode namespaces = linux.putArray("namespaces");
    for (String ns : List.of("pid", "ipc", "uts", "mount", "network")) {
      namespaces.addObject().put("type", ns);
    }
    if (seccomp != null) {
      linux.set("seccomp", seccomp);
    }
    return c;
  }

  private record Result(int exitCode, String stdout, String stderr) {}
}
