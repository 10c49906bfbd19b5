package io.tessera.e2e.bench;

import io.grpc.StatusRuntimeException;
import io.tessera.cri.v1.ContainerConfig;
import io.tessera.cri.v1.ContainerMetadata;
import io.tessera.cri.v1.CreateContainerRequest;
import io.tessera.cri.v1.ImageSpec;
import io.tessera.cri.v1.LinuxContainerConfig;
import io.tessera.cri.v1.LinuxContainerSecurityContext;
import io.tessera.cri.v1.LinuxPodSandboxConfig;
import io.tessera.cri.v1.LinuxSandboxSecurityContext;
import io.tessera.cri.v1.ListPodSandboxRequest;
import io.tessera.cri.v1.NamespaceMode;
import io.tessera.cri.v1.NamespaceOption;
import io.tessera.cri.v1.PodSandbox;
import io.tessera.cri.v1.PodSandboxConfig;
import io.tessera.cri.v1.PodSandboxMetadata;
import io.tessera.cri.v1.RemovePodSandboxRequest;
import io.tessera.cri.v1.RunPodSandboxRequest;
import io.tessera.cri.v1.StartContainerRequest;
import io.tessera.cri.v1.StopPodSandboxRequest;
import io.tessera.e2e.CriClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * Starts and tears down the bench's pods through CRI, the way kubelet does for a one-container pod:
 * RunPodSandbox, CreateContainer, StartContainer; StopPodSandbox, RemovePodSandbox. Every pod it
 * created and has not removed is remembered, so {@link #removeAll()} can clean up after a failure.
 * Thread-safe (the concurrent phases share one runner).
 */
final class PodRunner {
  /** The workload: what a pod's own process runs (and how {@link Overhead} recognises it). */
  static final List<String> WORKLOAD = List.of("sleep", "86400");

  private final CriClient client;
  private final String image;
  private final Path logDir;
  private final String cgroupParentRoot;
  private final Set<String> live = ConcurrentHashMap.newKeySet();

  /**
   * @param cgroupParentRoot each pod's cgroup parent is {@code <root>/pod<uid>}, as kubelet sends
   *     (containerd 1.6 cannot give pod stats without one)
   */
  PodRunner(CriClient client, String image, Path logDir, String cgroupParentRoot) {
    this.client = client;
    this.image = image;
    this.logDir = logDir;
    this.cgroupParentRoot = cgroupParentRoot;
  }

  /** A started pod, how long its start took, and each of the three calls. */
  record StartedPod(
      String podId, String containerId, long startNanos, long runNanos, long createNanos) {
    long startContainerNanos() {
      return startNanos - runNanos - createNanos;
    }
  }

  StartedPod start(String name) {
    PodSandboxConfig pod = podConfig(name);
    try {
      // kubelet makes the pod's log dir before RunPodSandbox; containerd does not make it.
      Files.createDirectories(Path.of(pod.getLogDirectory()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long t0 = System.nanoTime();
    String podId =
        client
            .runtime()
            .runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod).build())
            .getPodSandboxId();
    live.add(podId);
    long t1 = System.nanoTime();
    String containerId =
        client
            .runtime()
            .createContainer(
                CreateContainerRequest.newBuilder()
                    .setPodSandboxId(podId)
                    .setConfig(containerConfig())
                    .setSandboxConfig(pod)
                    .build())
            .getContainerId();
    long t2 = System.nanoTime();
    client
        .runtime()
        .startContainer(StartContainerRequest.newBuilder().setContainerId(containerId).build());
    return new StartedPod(podId, containerId, System.nanoTime() - t0, t1 - t0, t2 - t1);
  }

  /** StopPodSandbox + RemovePodSandbox; returns the time both took. */
  long teardown(String podId) {
    long t0 = System.nanoTime();
    client
        .runtime()
        .stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
    client
        .runtime()
        .removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
    live.remove(podId);
    return System.nanoTime() - t0;
  }

  /** Runs {@code n} tasks with {@code inFlight} at a time; returns their results in order. */
  static <T> List<T> concurrently(int n, int inFlight, IntFunction<T> task) {
    ExecutorService pool = Executors.newFixedThreadPool(inFlight);
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int index = i;
        futures.add(pool.submit(() -> task.apply(index)));
      }
      List<T> out = new ArrayList<>();
      for (Future<T> f : futures) {
        out.add(f.get());
      }
      return out;
    } catch (ExecutionException e) {
      throw new IllegalStateException("a concurrent pod operation failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Pods this runner started and has not removed. */
  List<String> livePods() {
    return List.copyOf(live);
  }

  /**
   * Removes every pod the runtime lists in the bench's namespace, whoever made it; best effort, for
   * the end of a run and after a failure. Returns how many could not be removed.
   */
  int removeAll() {
    List<String> ids = new ArrayList<>(live);
    try {
      for (PodSandbox p :
          client
              .runtime()
              .listPodSandbox(ListPodSandboxRequest.getDefaultInstance())
              .getItemsList()) {
        if (BENCH_NAMESPACE.equals(p.getMetadata().getNamespace()) && !ids.contains(p.getId())) {
          ids.add(p.getId());
        }
      }
    } catch (StatusRuntimeException e) {
      System.err.println("bench: ListPodSandbox for clean-up failed: " + e.getStatus());
    }
    List<Integer> failed =
        concurrently(
            ids.size(),
            10,
            i -> {
              try {
                teardown(ids.get(i));
                return 0;
              } catch (StatusRuntimeException e) {
                System.err.println("bench: cannot remove pod " + ids.get(i) + ": " + e.getStatus());
                return 1;
              }
            });
    return failed.stream().mapToInt(Integer::intValue).sum();
  }

  static final String BENCH_NAMESPACE = "bench";

  private PodSandboxConfig podConfig(String name) {
    NamespaceOption ns =
        NamespaceOption.newBuilder()
            .setNetwork(NamespaceMode.POD)
            .setPid(NamespaceMode.CONTAINER)
            .setIpc(NamespaceMode.POD)
            .build();
    String uid = UUID.randomUUID().toString();
    return PodSandboxConfig.newBuilder()
        .setMetadata(
            PodSandboxMetadata.newBuilder().setName(name).setNamespace(BENCH_NAMESPACE).setUid(uid))
        .setHostname(name)
        .setLogDirectory(logDir.resolve(name).toString())
        .setLinux(
            LinuxPodSandboxConfig.newBuilder()
                .setCgroupParent(cgroupParentRoot + "/pod" + uid.replace("-", "_"))
                .setSecurityContext(
                    LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(ns)))
        .build();
  }

  private ContainerConfig containerConfig() {
    return ContainerConfig.newBuilder()
        .setMetadata(ContainerMetadata.newBuilder().setName("sleep"))
        .setImage(ImageSpec.newBuilder().setImage(image))
        .addAllCommand(WORKLOAD)
        .setLogPath("sleep.log")
        .setLinux(
            LinuxContainerConfig.newBuilder()
                .setSecurityContext(
                    LinuxContainerSecurityContext.newBuilder()
                        .setNamespaceOptions(
                            NamespaceOption.newBuilder()
                                .setNetwork(NamespaceMode.POD)
                                .setPid(NamespaceMode.CONTAINER)
                                .setIpc(NamespaceMode.POD))))
        .build();
  }
}
