package io.tessera.e2e;

import io.tessera.cri.v1.ContainerConfig;
import io.tessera.cri.v1.CreateContainerRequest;
import io.tessera.cri.v1.PodSandboxConfig;
import io.tessera.cri.v1.RemovePodSandboxRequest;
import io.tessera.cri.v1.RunPodSandboxRequest;
import io.tessera.cri.v1.RuntimeServiceGrpc;
import io.tessera.cri.v1.StartContainerRequest;
import io.tessera.cri.v1.StopPodSandboxRequest;
import io.tessera.storage.testing.TestRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The {@link PulledBusybox} fixture of one test class as a JUnit 5 extension, plus the pods its
 * tests run: before the class it publishes busybox and pulls it into the class's daemon; after each
 * test it stops and removes every pod started with {@link #runPod}; after the class it closes the
 * registry and deletes its work directory (once the daemon has stopped too).
 *
 * <p>Register it as a static field after the daemon's, with a higher {@code @Order}, so that the
 * daemon is up before the pull. Not thread-safe: tests of a class run one at a time.
 */
final class BusyboxPods implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(BusyboxPods.class);

  private final TesseraDaemonExtension daemon;
  private final List<String> pods = new ArrayList<>();
  private PulledBusybox pulled;

  BusyboxPods(TesseraDaemonExtension daemon) {
    this.daemon = daemon;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    Path work = Files.createTempDirectory("tessera-e2e-busybox");
    // Deleted when the class's context closes, after every afterAll (the daemon's included), the
    // way @TempDir is: pod log directories live under it.
    context
        .getStore(NAMESPACE)
        .put("work", (ExtensionContext.Store.CloseableResource) () -> deleteTree(work));
    pulled = PulledBusybox.publishAndPull(daemon, work);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    for (String pod : List.copyOf(pods)) {
      removePod(pod);
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (pulled != null) {
      pulled.registry().close();
    }
  }

  /** The pulled image's reference, e.g. {@code 127.0.0.1:PORT/e2e/busybox:1}. */
  String image() {
    return pulled.image();
  }

  /** The directory pods built with {@link CriRequests#podSandbox} keep their logs under. */
  Path logs() {
    return pulled.logs();
  }

  TestRegistry registry() {
    return pulled.registry();
  }

  /** Runs the pod and returns its id; the pod is stopped and removed after the current test. */
  String runPod(PodSandboxConfig config) {
    String id =
        daemon
            .client()
            .runtime()
            .runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build())
            .getPodSandboxId();
    pods.add(id);
    return id;
  }

  /**
   * Creates a container in the pod (CreateContainer with the pod's config, as kubelet sends it).
   */
  String createContainer(String podId, PodSandboxConfig podConfig, ContainerConfig.Builder config) {
    return daemon
        .client()
        .runtime()
        .createContainer(
            CreateContainerRequest.newBuilder()
                .setPodSandboxId(podId)
                .setConfig(config)
                .setSandboxConfig(podConfig)
                .build())
        .getContainerId();
  }

  /** Creates and starts a container in the pod; returns its id. */
  String runContainer(String podId, PodSandboxConfig podConfig, ContainerConfig.Builder config) {
    String id = createContainer(podId, podConfig, config);
    daemon
        .client()
        .runtime()
        .startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
    return id;
  }

  /** Stops and removes the pod now; the test's own teardown step, so it is no longer tracked. */
  void removePod(String id) {
    RuntimeServiceGrpc.RuntimeServiceBlockingStub rt = daemon.client().runtime();
    rt.stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(id).build());
    rt.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(id).build());
    pods.remove(id);
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("delete e2e work directory " + root, e);
    }
  }
}
