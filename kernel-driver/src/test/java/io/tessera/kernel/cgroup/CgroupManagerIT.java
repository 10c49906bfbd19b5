package io.tessera.kernel.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tessera.kernel.mount.MountInfo;
import io.tessera.kernel.proc.Leaks;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Both managers against the real cgroupfs of this host: the one chosen for the host's layout, and
 * {@link CgroupV2Manager} on whatever cgroup2 mount exists (the unified hierarchy of a hybrid host,
 * or the root of a pure v2 host).
 */
class CgroupManagerIT {

  private final String pod = "/tessera-it-" + UUID.randomUUID().toString().substring(0, 8);
  private Process sleeper;

  @AfterEach
  void cleanUp() {
    if (sleeper != null) {
      sleeper.destroyForcibly();
    }
    CgroupManager.forHost().delete(pod);
    hostV2().delete(pod);
    assertThat(Leaks.cgroupDirs(pod)).isEmpty();
  }

  private static CgroupV2Manager hostV2() {
    return new CgroupV2Manager(
        CgroupHierarchy.fromMounts(MountInfo.current()).stream()
            .filter(CgroupHierarchy::unified)
            .findFirst()
            .orElseThrow(() -> new AssertionError("this host has no cgroup2 mount")));
  }

  /**
   * A shell that waits for a line on stdin before running {@code script}, so that it can be moved
   * into a cgroup before it forks. Output is discarded: an inherited stdout held by a stray child
   * would keep the test JVM's pipe open.
   */
  private Process shell(String script) throws Exception {
    sleeper =
        new ProcessBuilder("/bin/sh", "-c", "read go; " + script)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    return sleeper;
  }

  private static void go(Process p) throws Exception {
    p.getOutputStream().write("go\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    p.getOutputStream().flush();
  }

  @Test
  void hostManagerMatchesTheLayout() {
    CgroupManager m = CgroupManager.forHost();
    assertThat(m.layout()).isEqualTo(CgroupLayout.detect());
    if (m.layout() == CgroupLayout.V2) {
      assertThat(m).isInstanceOf(CgroupV2Manager.class);
    } else {
      assertThat(m).isInstanceOf(CgroupV1Manager.class);
    }
  }

  @Test
  void createJoinKillDeleteWithTheHostManager() throws Exception {
    CgroupManager m = CgroupManager.forHost();
    String ctr = pod + "/ctr";
    assertThat(m.exists(pod)).isFalse();
    m.create(ctr);
    m.create(ctr); // idempotent
    assertThat(m.exists(pod)).isTrue();
    assertThat(m.pids(pod)).isEmpty();
    if (m instanceof CgroupV1Manager v1) {
      for (CgroupHierarchy h : v1.hierarchies()) {
        assertThat(Files.isDirectory(h.dir(ctr))).as("%s", h.mountPoint()).isTrue();
        if (h.has("cpuset")) {
          assertThat(Files.readString(h.dir(ctr).resolve("cpuset.cpus")).trim()).isNotEmpty();
          assertThat(Files.readString(h.dir(ctr).resolve("cpuset.mems")).trim()).isNotEmpty();
        }
      }
    }

    Process p = shell("sleep 1000 & sleep 1000 & wait");
    m.addProcess(ctr, p.pid());
    go(p);
    List<CgroupMembership> cgroups = CgroupMembership.ofProcess(p.pid());
    if (m.layout() == CgroupLayout.V2) {
      assertThat(CgroupMembership.unifiedPath(cgroups)).contains(ctr);
    } else {
      assertThat(CgroupMembership.pathOf(cgroups, "memory")).contains(ctr);
      assertThat(CgroupMembership.pathOf(cgroups, "pids")).contains(ctr);
    }
    // The shell forks its two sleeps after joining: they are in the cgroup too.
    await().atMost(Duration.ofSeconds(10)).until(() -> m.pids(pod).size() == 3);
    assertThat(m.pids(pod)).contains(p.pid());

    m.killAll(pod);
    assertThat(m.pids(pod)).isEmpty();
    assertThat(p.waitFor()).isEqualTo(137);
    m.delete(pod);
    assertThat(m.exists(pod)).isFalse();
    assertThat(Leaks.cgroupDirs(pod)).isEmpty();
    m.delete(pod); // idempotent
    m.killAll(pod); // nothing to kill
  }

  @Test
  void v2ManagerOnTheHostsCgroup2Mount() throws Exception {
    CgroupV2Manager m = hostV2();
    String ctr = pod + "/a/b";
    m.create(ctr);
    assertThat(m.exists(ctr)).isTrue();
    Process p = shell("sleep 1000 & wait");
    m.addProcess(ctr, p.pid());
    go(p);
    assertThat(CgroupMembership.unifiedPath(CgroupMembership.ofProcess(p.pid()))).contains(ctr);
    await().atMost(Duration.ofSeconds(10)).until(() -> m.pids(pod).size() == 2);
    m.killAll(pod);
    assertThat(m.pids(pod)).isEmpty();
    assertThat(p.waitFor()).isEqualTo(137);
    m.delete(pod);
    assertThat(m.exists(pod)).isFalse();
  }

  @Test
  void deletingABusyCgroupFailsAndLeavesItUsable() throws Exception {
    CgroupManager m = CgroupManager.forHost();
    Process p = shell("exec sleep 1000");
    m.addProcess(pod, p.pid());
    go(p);
    try {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> m.delete(pod))
          .isInstanceOf(io.tessera.kernel.errors.FailedPreconditionException.class)
          .hasMessageContaining("busy");
      assertThat(m.pids(pod)).contains(p.pid());
    } finally {
      m.killAll(pod);
    }
    m.delete(pod);
    assertThat(Leaks.cgroupDirs(pod)).isEmpty();
  }
}
