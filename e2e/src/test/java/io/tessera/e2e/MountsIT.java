package io.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.tessera.cri.v1.ContainerConfig;
import io.tessera.cri.v1.ContainerStatusRequest;
import io.tessera.cri.v1.CreateContainerRequest;
import io.tessera.cri.v1.DNSConfig;
import io.tessera.cri.v1.Device;
import io.tessera.cri.v1.ExecSyncRequest;
import io.tessera.cri.v1.ExecSyncResponse;
import io.tessera.cri.v1.ListContainersRequest;
import io.tessera.cri.v1.Mount;
import io.tessera.cri.v1.MountPropagation;
import io.tessera.cri.v1.PodSandboxConfig;
import io.tessera.cri.v1.RemovePodSandboxRequest;
import io.tessera.cri.v1.RunPodSandboxRequest;
import io.tessera.cri.v1.RuntimeServiceGrpc;
import io.tessera.cri.v1.StartContainerRequest;
import io.tessera.cri.v1.StopPodSandboxRequest;
import io.tessera.storage.testing.TestRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Host-path mounts, their propagation, devices and the pod's shared files through the real daemon,
 * runc and conmon, proven by what the container sees and what the host sees.
 */
class MountsIT {
  @RegisterExtension static final TesseraDaemonExtension daemon = new TesseraDaemonExtension();

  @TempDir static Path work;
  static TestRegistry registry;
  static String image;
  static Path logs;
  static PodSandboxConfig podConfig;
  static String pod;

  @BeforeAll
  static void publishPullAndRunPod() throws Exception {
    PulledBusybox busybox = PulledBusybox.publishAndPull(daemon, work);
    registry = busybox.registry();
    image = busybox.image();
    logs = busybox.logs();
    podConfig =
        CriRequests.podSandbox("mounts", logs).build().toBuilder()
            .setDnsConfig(
                DNSConfig.newBuilder()
                    .addServers("10.96.0.10")
                    .addServers("10.96.0.11")
                    .addSearches("e2e.svc.cluster.local")
                    .addSearches("cluster.local")
                    .addOptions("ndots:5"))
            .build();
    pod =
        rt().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(podConfig).build())
            .getPodSandboxId();
  }

  @AfterAll
  static void removePodAndStopRegistry() {
    try {
      if (pod != null) {
        rt().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
        rt().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
      }
    } finally {
      if (registry != null) {
        registry.close();
      }
    }
  }

  private static RuntimeServiceGrpc.RuntimeServiceBlockingStub rt() {
    return daemon.client().runtime();
  }

  /** Creates and starts {@code sleep 1000} in the pod with {@code config} added to. */
  private static String run(ContainerConfig.Builder config) {
    String id =
        rt().createContainer(
                CreateContainerRequest.newBuilder()
                    .setPodSandboxId(pod)
                    .setConfig(config)
                    .setSandboxConfig(podConfig)
                    .build())
            .getContainerId();
    rt().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
    return id;
  }

  private static ContainerConfig.Builder container(String name) {
    return CriRequests.container(name, image, "sleep", "1000");
  }

  private static Mount.Builder mount(Path host, String inContainer) {
    return Mount.newBuilder().setHostPath(host.toString()).setContainerPath(inContainer);
  }

  private static ExecSyncResponse exec(String id, String... cmd) {
    return rt().execSync(
            ExecSyncRequest.newBuilder()
                .setContainerId(id)
                .addAllCmd(List.of(cmd))
                .setTimeout(10)
                .build());
  }

  private static String out(String id, String... cmd) {
    ExecSyncResponse r = exec(id, cmd);
    assertThat(r.getExitCode()).as("%s: %s", List.of(cmd), r.getStderr().toStringUtf8()).isZero();
    return r.getStdout().toStringUtf8();
  }

  private static String mountLine(String id, String mountPoint) {
    return out(id, "cat", "/proc/self/mounts")
        .lines()
        .filter(l -> l.split(" ")[1].equals(mountPoint))
        .reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError(mountPoint + " is not a mount point"));
  }

  private static long hostPid(String id) {
    String info =
        rt().containerStatus(
                ContainerStatusRequest.newBuilder().setContainerId(id).setVerbose(true).build())
            .getInfoMap()
            .get("info");
    return Long.parseLong(info.replaceAll("(?s).*\"pid\":(\\d+).*", "$1"));
  }

  private static void host(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new AssertionError(String.join(" ", cmd) + " failed: " + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Test
  void hostPathsReadonlyReadWriteAndThroughASymlink() throws Exception {
    Path ro = Files.createDirectories(work.resolve("ro"));
    Files.writeString(ro.resolve("given"), "from host\n");
    Path rw = Files.createDirectories(work.resolve("rw"));
    Path target = Files.createDirectories(work.resolve("target"));
    Files.writeString(target.resolve("marker"), "the target\n");
    Path link = Files.createSymbolicLink(work.resolve("link"), target);

    String ctr =
        run(
            container("paths")
                .addMounts(mount(ro, "/ro").setReadonly(true))
                .addMounts(mount(rw, "/rw"))
                .addMounts(mount(link, "/linked")));

    assertThat(out(ctr, "cat", "/ro/given")).isEqualTo("from host\n");
    ExecSyncResponse denied = exec(ctr, "touch", "/ro/new");
    assertThat(denied.getExitCode()).isNotZero();
    assertThat(denied.getStderr().toStringUtf8()).contains("Read-only file system");
    assertThat(mountLine(ctr, "/ro").split(" ")[3]).startsWith("ro");
    assertThat(ro.resolve("new")).doesNotExist();

    out(ctr, "sh", "-c", "echo from container > /rw/written");
    assertThat(Files.readString(rw.resolve("written"))).isEqualTo("from container\n");
    assertThat(mountLine(ctr, "/rw").split(" ")[3]).startsWith("rw");

    assertThat(out(ctr, "cat", "/linked/marker")).isEqualTo("the target\n");
    // Nested mounts given child first still stack parent first.
    Path outer = Files.createDirectories(work.resolve("outer"));
    Path inner = Files.createDirectories(work.resolve("inner"));
    Files.writeString(inner.resolve("who"), "inner\n");
    String nested =
        run(
            container("nested")
                .addMounts(mount(inner, "/data/inner"))
                .addMounts(mount(outer, "/data")));
    assertThat(out(nested, "cat", "/data/inner/who")).isEqualTo("inner\n");
    assertThat(outer.resolve("inner")).isDirectory();

    // A single file, over one of the image's and at a path the image lacks.
    Path motd = Files.writeString(work.resolve("motd"), "host motd\n");
    String files =
        run(
            container("files")
                .addMounts(mount(motd, "/etc/motd").setReadonly(true))
                .addMounts(mount(motd, "/new/dir/motd")));
    assertThat(out(files, "cat", "/etc/motd")).isEqualTo("host motd\n");
    assertThat(out(files, "cat", "/new/dir/motd")).isEqualTo("host motd\n");
    out(files, "sh", "-c", "echo changed > /new/dir/motd");
    assertThat(Files.readString(motd)).isEqualTo("changed\n");
    // A bind of the target directory, not a symlink inside the container.
    assertThat(exec(ctr, "test", "-L", "/linked").getExitCode()).isNotZero();
    assertThat(exec(ctr, "test", "-d", "/linked").getExitCode()).isZero();
  }

  @Test
  void privateAndHostToContainerPropagation() throws Exception {
    Path source = Files.createDirectories(work.resolve("shared"));
    Path sub = Files.createDirectories(source.resolve("sub"));
    List<Path> mounted = new ArrayList<>();
    try {
      // rslave only has something to follow when the host source is itself a shared mount.
      host("mount", "--bind", source.toString(), source.toString());
      mounted.add(source);
      host("mount", "--make-shared", source.toString());
      String ctr =
          run(
              container("propagation")
                  .addMounts(
                      mount(source, "/private")
                          .setPropagation(MountPropagation.PROPAGATION_PRIVATE))
                  .addMounts(
                      mount(source, "/slave")
                          .setPropagation(MountPropagation.PROPAGATION_HOST_TO_CONTAINER)));
      assertThat(mountLine(ctr, "/slave")).isNotNull();

      host("mount", "-t", "tmpfs", "-o", "size=1m", "e2e-propagation", sub.toString());
      mounted.add(0, sub);
      Files.writeString(sub.resolve("marker"), "mounted after start\n");

      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(exec(ctr, "cat", "/slave/sub/marker").getStdout().toStringUtf8())
                      .isEqualTo("mounted after start\n"));
      assertThat(mountLine(ctr, "/slave/sub")).startsWith("e2e-propagation /slave/sub tmpfs");
      assertThat(exec(ctr, "test", "-e", "/private/sub/marker").getExitCode()).isNotZero();
      assertThat(out(ctr, "cat", "/proc/self/mounts")).doesNotContain(" /private/sub ");
    } finally {
      for (Path m : mounted) {
        host("umount", m.toString());
      }
    }
  }

  @Test
  void propagationFromAPrivateHostMountIsRefused() throws Exception {
    Path source = Files.createDirectories(work.resolve("private-source"));
    host("mount", "--bind", source.toString(), source.toString());
    try {
      host("mount", "--make-private", source.toString());
      for (MountPropagation p :
          List.of(
              MountPropagation.PROPAGATION_HOST_TO_CONTAINER,
              MountPropagation.PROPAGATION_BIDIRECTIONAL)) {
        try {
          run(container("no-" + p.getNumber()).addMounts(mount(source, "/p").setPropagation(p)));
          throw new AssertionError(p + " from a private mount was accepted");
        } catch (StatusRuntimeException e) {
          assertThat(e.getStatus().getCode())
              .as(p.toString())
              .isEqualTo(Status.Code.FAILED_PRECONDITION);
          assertThat(e.getStatus().getDescription()).contains(source.toString());
        }
      }
      // A refused create leaves no container behind.
      assertThat(
              rt().listContainers(ListContainersRequest.getDefaultInstance()).getContainersList())
          .extracting(c -> c.getMetadata().getName())
          .noneMatch(n -> n.startsWith("no-"));
    } finally {
      host("umount", source.toString());
    }
  }

  @Test
  void bidirectionalPropagationShowsAMountMadeInsideOnTheHost() throws Exception {
    Path source = Files.createDirectories(work.resolve("bidi"));
    Path sub = Files.createDirectories(source.resolve("sub"));
    PodSandboxConfig.Builder priv = CriRequests.podSandbox("bidi", logs).build().toBuilder();
    priv.getLinuxBuilder().getSecurityContextBuilder().setPrivileged(true);
    PodSandboxConfig privConfig = priv.build();
    String privPod = null;
    boolean bound = false;
    try {
      host("mount", "--bind", source.toString(), source.toString());
      bound = true;
      host("mount", "--make-shared", source.toString());
      privPod =
          rt().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(privConfig).build())
              .getPodSandboxId();
      ContainerConfig.Builder config =
          container("bidi")
              .addMounts(
                  mount(source, "/bidi")
                      .setPropagation(MountPropagation.PROPAGATION_BIDIRECTIONAL));
      config.getLinuxBuilder().getSecurityContextBuilder().setPrivileged(true);
      String id =
          rt().createContainer(
                  CreateContainerRequest.newBuilder()
                      .setPodSandboxId(privPod)
                      .setConfig(config)
                      .setSandboxConfig(privConfig)
                      .build())
              .getContainerId();
      rt().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());

      out(id, "mount", "-t", "tmpfs", "-o", "size=1m", "e2e-bidi", "/bidi/sub");
      out(id, "sh", "-c", "echo made inside > /bidi/sub/marker");
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(Leaks.mountsUnder(sub))
                      .singleElement()
                      .asString()
                      .contains(" e2e-bidi "));
      assertThat(Files.readString(sub.resolve("marker"))).isEqualTo("made inside\n");
      // Unmounting inside propagates back too.
      out(id, "umount", "/bidi/sub");
      await().atMost(Duration.ofSeconds(10)).until(() -> Leaks.mountsUnder(sub).isEmpty());
    } finally {
      if (privPod != null) {
        rt().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(privPod).build());
        rt().removePodSandbox(
                RemovePodSandboxRequest.newBuilder().setPodSandboxId(privPod).build());
      }
      if (!Leaks.mountsUnder(sub).isEmpty()) {
        host("umount", sub.toString());
      }
      if (bound) {
        host("umount", source.toString());
      }
    }
  }

  @Test
  void deviceIsUsableAndAllowedByTheDevicesCgroup() throws Exception {
    String ctr =
        run(
            container("device")
                .addDevices(
                    Device.newBuilder()
                        .setHostPath("/dev/fuse")
                        .setContainerPath("/dev/myfuse")
                        .setPermissions("rw")));
    assertThat(exec(ctr, "test", "-c", "/dev/myfuse").getExitCode()).isZero();
    assertThat(exec(ctr, "sh", "-c", "exec 3<>/dev/myfuse").getExitCode()).isZero();
    String cgroup =
        Files.readAllLines(Path.of("/proc/" + hostPid(ctr) + "/cgroup")).stream()
            .filter(l -> l.split(":")[1].equals("devices"))
            .map(l -> l.split(":", 3)[2])
            .findFirst()
            .orElseThrow();
    assertThat(Files.readAllLines(Path.of("/sys/fs/cgroup/devices" + cgroup, "devices.list")))
        .contains("c 10:229 rw");
    // A device that was not asked for stays out.
    assertThat(exec(ctr, "test", "-e", "/dev/kmsg").getExitCode()).isNotZero();
  }

  @Test
  void readOnlyDevicePermissionIsEnforcedAndADirectoryGrantsItsNodes() throws Exception {
    String ctr =
        run(
            container("device-ro")
                .addDevices(
                    Device.newBuilder()
                        .setHostPath("/dev/fuse")
                        .setContainerPath("/dev/rofuse")
                        .setPermissions("r"))
                .addDevices(
                    Device.newBuilder()
                        .setHostPath("/dev/net")
                        .setContainerPath("/dev/net")
                        .setPermissions("rw")));
    // The devices cgroup, not the file mode, refuses the write open.
    assertThat(exec(ctr, "sh", "-c", "exec 3</dev/rofuse").getExitCode()).isZero();
    ExecSyncResponse write = exec(ctr, "sh", "-c", "exec 3<>/dev/rofuse");
    assertThat(write.getExitCode()).isNotZero();
    assertThat(write.getStderr().toStringUtf8()).contains("Operation not permitted");

    assertThat(exec(ctr, "test", "-c", "/dev/net/tun").getExitCode()).isZero();
    assertThat(exec(ctr, "sh", "-c", "exec 3<>/dev/net/tun").getExitCode()).isZero();
    String cgroup =
        Files.readAllLines(Path.of("/proc/" + hostPid(ctr) + "/cgroup")).stream()
            .filter(l -> l.split(":")[1].equals("devices"))
            .map(l -> l.split(":", 3)[2])
            .findFirst()
            .orElseThrow();
    assertThat(Files.readAllLines(Path.of("/sys/fs/cgroup/devices" + cgroup, "devices.list")))
        .contains("c 10:229 r");
    // (c 10:200, tun, is in runc's own allow list; the node's presence is what the directory gave.)
  }

  @Test
  void etcFilesComeFromThePodAndShmIsSharedByItsContainers() {
    String a = run(container("etc-a"));
    String b = run(container("etc-b"));

    String resolv = out(a, "cat", "/etc/resolv.conf");
    assertThat(resolv.lines())
        .contains(
            "search e2e.svc.cluster.local cluster.local",
            "nameserver 10.96.0.10",
            "nameserver 10.96.0.11",
            "options ndots:5");
    assertThat(out(a, "cat", "/etc/hostname")).isEqualTo("mounts\n");
    assertThat(out(a, "cat", "/etc/hosts")).startsWith("127.0.0.1\tlocalhost\n");
    for (String f : List.of("/etc/hosts", "/etc/resolv.conf", "/etc/hostname")) {
      assertThat(mountLine(a, f)).as(f).isNotNull();
      assertThat(out(b, "cat", f)).as(f).isEqualTo(out(a, "cat", f));
    }
    // One file behind both: what one container appends, the other reads.
    out(a, "sh", "-c", "echo '10.1.2.3 extra' >> /etc/hosts");
    assertThat(out(b, "cat", "/etc/hosts")).contains("10.1.2.3 extra");

    assertThat(mountLine(a, "/dev/shm").split(" ")[2]).isEqualTo("tmpfs");
    out(a, "sh", "-c", "echo shared > /dev/shm/f");
    assertThat(out(b, "cat", "/dev/shm/f")).isEqualTo("shared\n");
  }
}
