package io.tessera.e2e;

import static org.awaitility.Awaitility.await;

import io.tessera.cri.v1.AttachRequest;
import io.tessera.cri.v1.CreateContainerRequest;
import io.tessera.cri.v1.ExecRequest;
import io.tessera.cri.v1.ExecSyncRequest;
import io.tessera.cri.v1.ExecSyncResponse;
import io.tessera.cri.v1.PodSandboxConfig;
import io.tessera.cri.v1.PodSandboxStatusRequest;
import io.tessera.cri.v1.PortForwardRequest;
import io.tessera.cri.v1.RemovePodSandboxRequest;
import io.tessera.cri.v1.RunPodSandboxRequest;
import io.tessera.cri.v1.RuntimeServiceGrpc;
import io.tessera.cri.v1.StartContainerRequest;
import io.tessera.cri.v1.StopPodSandboxRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Pods, containers and streaming URLs for the streaming e2e classes: what kubelet asks before a
 * client opens a stream. Not thread-safe for pod creation; {@link #removeAll()} after each test.
 */
final class StreamingPods {
  private final TesseraDaemonExtension daemon;
  private final BusyboxPods busybox;
  private final List<String> pods = new ArrayList<>();

  StreamingPods(TesseraDaemonExtension daemon, BusyboxPods busybox) {
    this.daemon = daemon;
    this.busybox = busybox;
  }

  record Pod(String id, PodSandboxConfig config) {}

  RuntimeServiceGrpc.RuntimeServiceBlockingStub rt() {
    return daemon.client().runtime();
  }

  Pod runPod(String name) {
    PodSandboxConfig config = CriRequests.podSandbox(name, busybox.logs()).build();
    String id =
        rt().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build())
            .getPodSandboxId();
    pods.add(id);
    return new Pod(id, config);
  }

  /** Creates and starts a container; {@code stdin} keeps its stdin open for attach. */
  String runContainer(Pod pod, String name, boolean stdin, String... cmd) {
    String id =
        rt().createContainer(
                CreateContainerRequest.newBuilder()
                    .setPodSandboxId(pod.id())
                    .setConfig(CriRequests.container(name, busybox.image(), cmd).setStdin(stdin))
                    .setSandboxConfig(pod.config())
                    .build())
            .getContainerId();
    rt().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
    return id;
  }

  /**
   * Starts busybox httpd in a container "web" of the pod, listening on the pod's 127.0.0.1:8080
   * only and serving {@code body} as /index.html, and waits up to {@code wait} until it listens.
   */
  void serveOnLoopback8080(Pod pod, String body, Duration wait) {
    String ctr =
        runContainer(
            pod,
            "web",
            false,
            "sh",
            "-c",
            "mkdir -p /www && echo "
                + body
                + " > /www/index.html && exec busybox httpd -f -p 127.0.0.1:8080 -h /www");
    await()
        .atMost(wait)
        .until(() -> execSync(ctr, "busybox", "netstat", "-ltn").contains("127.0.0.1:8080"));
  }

  /** A pod with one idle container to exec in. */
  String idleContainer(String podName) {
    return runContainer(runPod(podName), "idle", false, "sleep", "100000");
  }

  URI exec(String ctr, boolean stdin, boolean tty, String... cmd) {
    return URI.create(
        rt().exec(
                ExecRequest.newBuilder()
                    .setContainerId(ctr)
                    .addAllCmd(List.of(cmd))
                    .setStdin(stdin)
                    .setStdout(true)
                    .setStderr(!tty)
                    .setTty(tty)
                    .build())
            .getUrl());
  }

  URI attach(String ctr, boolean stdin) {
    return URI.create(
        rt().attach(
                AttachRequest.newBuilder()
                    .setContainerId(ctr)
                    .setStdin(stdin)
                    .setStdout(true)
                    .setStderr(true)
                    .build())
            .getUrl());
  }

  URI portForward(Pod pod, int port) {
    return URI.create(
        rt().portForward(
                PortForwardRequest.newBuilder().setPodSandboxId(pod.id()).addPort(port).build())
            .getUrl());
  }

  String podIp(Pod pod) {
    return rt().podSandboxStatus(
            PodSandboxStatusRequest.newBuilder().setPodSandboxId(pod.id()).build())
        .getStatus()
        .getNetwork()
        .getIp();
  }

  /** ExecSync's stdout; fails on a non-zero exit. */
  String execSync(String ctr, String... cmd) {
    ExecSyncResponse r =
        rt().execSync(
                ExecSyncRequest.newBuilder()
                    .setContainerId(ctr)
                    .addAllCmd(List.of(cmd))
                    .setTimeout(30)
                    .build());
    if (r.getExitCode() != 0) {
      throw new AssertionError(
          List.of(cmd)
              + " exited "
              + r.getExitCode()
              + ": "
              + r.getStderr().toString(StandardCharsets.UTF_8));
    }
    return r.getStdout().toString(StandardCharsets.UTF_8);
  }

  /** The container's processes as busybox ps lists them (pid, user, time, command line). */
  String processes(String ctr) {
    return execSync(ctr, "ps", "-o", "pid,args");
  }

  void removeAll() {
    for (String pod : pods) {
      rt().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
      rt().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
    }
    pods.clear();
  }
}
