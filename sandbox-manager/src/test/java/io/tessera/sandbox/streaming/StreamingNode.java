package io.tessera.sandbox.streaming;

import io.tessera.kernel.cgroup.CgroupLayout;
import io.tessera.kernel.cgroup.CgroupManager;
import io.tessera.kernel.fs.FileOps;
import io.tessera.kernel.fs.FileOpsJna;
import io.tessera.kernel.mount.Mounter;
import io.tessera.kernel.mount.MounterJna;
import io.tessera.kernel.ns.NamespacePinnerJna;
import io.tessera.kernel.oci.ConmonMonitor;
import io.tessera.kernel.oci.OciRuntime;
import io.tessera.kernel.oci.OciRuntimeLocator;
import io.tessera.kernel.oci.RuncRuntime;
import io.tessera.sandbox.cni.CniNetwork;
import io.tessera.sandbox.filter.PodSandboxFilter;
import io.tessera.sandbox.lifecycle.Containers;
import io.tessera.sandbox.lifecycle.PodSandboxes;
import io.tessera.sandbox.lifecycle.StatePaths;
import io.tessera.sandbox.model.PodSandbox;
import io.tessera.sandbox.seccomp.SeccompProfiles;
import io.tessera.sandbox.store.StoreLayout;
import io.tessera.storage.content.ContentStore;
import io.tessera.storage.content.ImageFetcher;
import io.tessera.storage.image.ImageService;
import io.tessera.storage.image.ImageStore;
import io.tessera.storage.layer.LayerStore;
import io.tessera.storage.layer.LayerUnpacker;
import io.tessera.storage.registry.Platform;
import io.tessera.storage.registry.RegistriesConf;
import io.tessera.storage.registry.RegistryClient;
import io.tessera.storage.snapshot.OverlaySnapshotter;
import io.tessera.storage.testing.TestImage;
import io.tessera.storage.testing.TestImages;
import io.tessera.storage.testing.TestRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The pod and container side of a node, wired from real host parts as the daemon's NodeRuntime does
 * (runc under conmon, pinned namespaces, overlay rootfs, a loopback-only CNI network), with the
 * busybox test image pulled from a loopback registry. Everything lives under temp dirs and is
 * removed by {@link #close()}.
 */
final class StreamingNode implements AutoCloseable {
  final Path root;
  final Path state;
  final TestRegistry registry;
  final String image;
  final PodSandboxes pods;
  final Containers containers;
  final CniNetwork network;
  final RuntimeStreamingBackend backend;

  private StreamingNode(
      Path root,
      Path state,
      TestRegistry registry,
      String image,
      PodSandboxes pods,
      Containers containers,
      CniNetwork network) {
    this.root = root;
    this.state = state;
    this.registry = registry;
    this.image = image;
    this.pods = pods;
    this.containers = containers;
    this.network = network;
    this.backend = new RuntimeStreamingBackend(containers, pods, new NamespacePinnerJna());
  }

  static StreamingNode start() throws IOException {
    Path root = Files.createTempDirectory("tessera-stream-it-");
    // Short: conmon's attach socket path must fit 107 bytes.
    Path state = Path.of("/run/tsit-" + UUID.randomUUID().toString().substring(0, 8));
    Files.createDirectories(state);
    try {
      return start(root, state);
    } catch (IOException | RuntimeException | Error e) {
      deleteTree(state);
      deleteTree(root);
      throw e;
    }
  }

  private static StreamingNode start(Path root, Path state) throws IOException {
    OciRuntimeLocator locator = OciRuntimeLocator.withDefaultDirs();
    Path runc = locator.find("runc").orElseThrow(() -> new AssertionError("runc not installed"));
    Path conmon =
        locator.find("conmon").orElseThrow(() -> new AssertionError("conmon not installed"));
    StatePaths paths = new StatePaths(state);
    CgroupManager cgroups = CgroupManager.forHost();
    OciRuntime rt =
        new RuncRuntime("runc", runc, paths.runtimeRoot("runc"), new ConmonMonitor(conmon));

    TestRegistry registry = TestRegistry.start();
    try {
      return wire(root, state, registry, paths, cgroups, rt);
    } catch (IOException | RuntimeException | Error e) {
      registry.close();
      throw e;
    }
  }

  private static StreamingNode wire(
      Path root,
      Path state,
      TestRegistry registry,
      StatePaths paths,
      CgroupManager cgroups,
      OciRuntime rt)
      throws IOException {
    TestImage built = TestImages.busybox(root.resolve("image-build"));
    registry.push(built.layout(), built.tag(), "it/busybox:1");
    String image = registry.host() + "/it/busybox:1";
    ImageService images = images(root);
    images.pull(image, Optional.empty());

    Path conf = Files.createDirectories(root.resolve("cni/net.d"));
    Files.writeString(
        conf.resolve("10-lo.conflist"),
        "{\"cniVersion\":\"1.0.0\",\"name\":\"lo-only\",\"plugins\":[{\"type\":\"loopback\"}]}");
    CniNetwork network =
        CniNetwork.builder()
            .confDir(conf)
            .binDirs(List.of(Path.of("/usr/lib/cni"), Path.of("/opt/cni/bin")))
            .cacheDir(root.resolve("cni/results"))
            .loopback(false)
            .build();
    network.start();

    StoreLayout layout = new StoreLayout(root);
    Mounter mounter = new MounterJna();
    SeccompProfiles seccomp = SeccompProfiles.forHost();
    Map<String, OciRuntime> runtimes = Map.of("runc", rt);
    PodSandboxes pods =
        new PodSandboxes(
            layout,
            paths,
            new NamespacePinnerJna(),
            mounter,
            cgroups,
            Set.of("runc"),
            "runc",
            Path.of("/etc/resolv.conf"),
            runtimes,
            seccomp);
    Containers containers =
        new Containers(
            layout,
            paths,
            pods,
            images,
            new OverlaySnapshotter(root, new FileOpsJna()),
            mounter,
            runtimes,
            "runc",
            seccomp,
            cgroups.layout() == CgroupLayout.V2);
    pods.setContainers(containers);
    pods.setNetwork(network);
    pods.recover();
    containers.recover();
    return new StreamingNode(root, state, registry, image, pods, containers, network);
  }

  private static ImageService images(Path root) {
    ContentStore content = ContentStore.open(root);
    FileOps fileOps = new FileOpsJna();
    LayerStore layers =
        new LayerStore(root, new LayerUnpacker(fileOps, LayerUnpacker.Limits.DEFAULT), fileOps);
    ImageStore store =
        ImageStore.open(root.resolve("images"), d -> content.path(d).map(p -> content.read(d)));
    ImageFetcher fetcher =
        new ImageFetcher(
            content,
            RegistryClient.builder().build(),
            RegistriesConf.empty(),
            ImageFetcher.DEFAULT_PARALLELISM);
    return new ImageService(root, content, layers, store, fetcher, Platform.host());
  }

  @Override
  public void close() throws IOException {
    try {
      for (PodSandbox p : pods.list(PodSandboxFilter.ALL)) {
        pods.stop(p.id());
        pods.remove(p.id());
      }
      containers.close();
      network.close();
    } finally {
      registry.close();
      deleteTree(state);
      deleteTree(root);
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
