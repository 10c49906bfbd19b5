package io.tessera.kernel.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.jna.LibcMounts;
import io.tessera.kernel.jna.LibcNamespaces;
import io.tessera.kernel.proc.DedicatedThread;
import io.tessera.kernel.proc.Leaks;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CgroupV2Manager} on a cgroup2 hierarchy of its own mount: a dedicated thread unshares its
 * mount namespace, makes it private (nothing propagates to the host) and mounts cgroup2 on a temp
 * dir, as a pure v2 host mounts it at /sys/fs/cgroup. The kernel has one v2 hierarchy, so on a
 * hybrid host this is the same tree as /sys/fs/cgroup/unified, carrying only the controllers no v1
 * hierarchy holds (hugetlb here); the test sets the limits of the controllers it finds in the
 * root's cgroup.controllers and checks that the others are refused with INVALID_ARGUMENT.
 */
class CgroupV2PrivateMountIT {
  @TempDir Path mountPoint;

  private final String pod = "/tessera-v2it-" + UUID.randomUUID().toString().substring(0, 8);
  private Process sleeper;

  @AfterEach
  void noLeftovers() throws Exception {
    if (sleeper != null) {
      sleeper.destroyForcibly();
      sleeper.waitFor();
    }
    inPrivateCgroup2(m -> m.delete(pod));
    assertThat(Leaks.cgroupDirs(pod)).isEmpty();
    assertThat(Leaks.mountsUnder(mountPoint)).isEmpty();
  }

  interface WithManager {
    void run(CgroupV2Manager m) throws Exception;
  }

  /** Runs {@code body} on a thread whose private mount namespace has cgroup2 at the temp dir. */
  private void inPrivateCgroup2(WithManager body) throws Exception {
    DedicatedThread.call(
        "cgroup2-private",
        () -> {
          LibcNamespaces.unshare(LibcNamespaces.CLONE_NEWNS);
          LibcMounts.mount("none", "/", null, LibcMounts.MS_REC | LibcMounts.MS_PRIVATE, null);
          LibcMounts.mount("cgroup2", mountPoint.toString(), "cgroup2", 0, null);
          try {
            String mine = ownMountType(mountPoint);
            assertThat(mine).isEqualTo("cgroup2");
            body.run(new CgroupV2Manager(new CgroupHierarchy(mountPoint, Set.of(), true)));
          } finally {
            LibcMounts.umount2(mountPoint.toString(), 0);
          }
          return null;
        });
  }

  /** The fs type at {@code dir} in this thread's mount namespace. */
  private static String ownMountType(Path dir) throws Exception {
    for (String line :
        Files.readAllLines(Path.of("/proc/thread-self/mountinfo"), StandardCharsets.UTF_8)) {
      String[] f = line.split(" ");
      if (f[4].equals(dir.toString())) {
        return line.substring(line.indexOf(" - ") + 3).split(" ")[0];
      }
    }
    return "";
  }

  @Test
  void createMoveLimitKillDeleteOnAPrivateCgroup2Mount() throws Exception {
    assertThat(ownMountType(mountPoint)).as("the host never sees the mount").isEmpty();
    String ctr = pod + "/ctr";
    sleeper =
        new ProcessBuilder("/bin/sh", "-c", "read go; sleep 1000 & wait")
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    List<String> tested = new ArrayList<>();
    inPrivateCgroup2(
        m -> {
          Set<String> available =
              new LinkedHashSet<>(
                  Arrays.asList(
                      Files.readString(mountPoint.resolve("cgroup.controllers"))
                          .trim()
                          .split(" ")));
          m.create(ctr);
          Path dir = mountPoint.resolve(ctr.substring(1));
          assertThat(dir).isDirectory();
          // Delegated down the path: the leaf offers what the root offers.
          assertThat(Files.readString(dir.resolve("cgroup.controllers")).trim())
              .isEqualTo(String.join(" ", available));

          m.addProcess(ctr, sleeper.pid());
          sleeper.getOutputStream().write("go\n".getBytes(StandardCharsets.US_ASCII));
          sleeper.getOutputStream().flush();
          assertThat(CgroupMembership.unifiedPath(CgroupMembership.ofProcess(sleeper.pid())))
              .contains(ctr);
          await().atMost(Duration.ofSeconds(30)).until(() -> m.pids(pod).size() == 2);

          // Core files exist without any controller.
          m.apply(ctr, CgroupResources.builder().unified("cgroup.max.descendants", "5").build());
          assertThat(Files.readString(dir.resolve("cgroup.max.descendants")).trim()).isEqualTo("5");
          tested.add("cgroup.max.descendants");

          for (String controller : List.of("cpu", "cpuset", "memory", "pids", "hugetlb")) {
            CgroupResources limit = limitOf(controller);
            if (available.contains(controller)) {
              m.apply(ctr, limit);
              checkLimit(controller, dir);
              tested.add(controller);
            } else {
              assertThatThrownBy(() -> m.apply(ctr, limit))
                  .as(controller)
                  .isInstanceOf(InvalidArgumentException.class)
                  .hasMessageContaining(controller + " controller is not enabled");
            }
          }

          m.killAll(pod);
          assertThat(m.pids(pod)).isEmpty();
          m.delete(pod);
          assertThat(m.exists(pod)).isFalse();
        });
    assertThat(sleeper.waitFor()).isEqualTo(137);
    assertThat(tested).contains("cgroup.max.descendants");
    System.out.println("cgroup v2 limits tested on the private cgroup2 mount: " + tested);
  }

  private static CgroupResources limitOf(String controller) {
    CgroupResources.Builder b = CgroupResources.builder();
    switch (controller) {
      case "cpu" -> b.cpuShares(512).cpuQuota(50000).cpuPeriod(100000);
      case "cpuset" -> b.cpusetCpus("0");
      case "memory" -> b.memoryLimit(64 << 20).unified("memory.high", Long.toString(48 << 20));
      case "pids" -> b.pidsLimit(32);
      case "hugetlb" -> b.hugepageLimit(hugepageSize(), 0);
      default -> throw new AssertionError(controller);
    }
    return b.build();
  }

  private static void checkLimit(String controller, Path dir) throws Exception {
    switch (controller) {
      case "cpu" -> {
        assertThat(read(dir, "cpu.weight")).isEqualTo("20");
        assertThat(read(dir, "cpu.max")).isEqualTo("50000 100000");
      }
      case "cpuset" -> assertThat(read(dir, "cpuset.cpus")).isEqualTo("0");
      case "memory" -> {
        assertThat(read(dir, "memory.max")).isEqualTo(Long.toString(64 << 20));
        assertThat(read(dir, "memory.high")).isEqualTo(Long.toString(48 << 20));
      }
      case "pids" -> assertThat(read(dir, "pids.max")).isEqualTo("32");
      case "hugetlb" -> assertThat(read(dir, "hugetlb." + hugepageSize() + ".max")).isEqualTo("0");
      default -> throw new AssertionError(controller);
    }
  }

  /** The first huge page size of this kernel as cgroup file names spell it ("2MB"). */
  private static String hugepageSize() {
    try (var sizes = Files.list(Path.of("/sys/kernel/mm/hugepages"))) {
      long kb =
          sizes
              .map(p -> p.getFileName().toString())
              .map(n -> Long.parseLong(n.replaceAll("\\D", "")))
              .sorted()
              .findFirst()
              .orElseThrow(() -> new AssertionError("no huge page sizes on this kernel"));
      return kb >= 1 << 20 ? (kb >> 20) + "GB" : kb >= 1024 ? (kb >> 10) + "MB" : kb + "KB";
    } catch (java.io.IOException e) {
      throw new AssertionError("list huge page sizes", e);
    }
  }

  private static String read(Path dir, String file) throws Exception {
    return Files.readString(dir.resolve(file)).trim();
  }
}
