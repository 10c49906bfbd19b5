package io.tessera.sandbox.streaming;

import io.tessera.kernel.errors.UnimplementedException;
import io.tessera.kernel.ns.NamespacePinner;
import io.tessera.sandbox.lifecycle.Containers;
import io.tessera.sandbox.lifecycle.PodSandboxes;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Objects;

/**
 * {@link StreamingBackend} over the node's runtime: exec through the container's OCI runtime,
 * attach through conmon's attach socket and control fifo, port-forward from a thread inside the
 * pod's network namespace.
 *
 * <p>Thread-safe; holds no resources of its own (each session owns and releases its own).
 */
public final class RuntimeStreamingBackend implements StreamingBackend {
  private final Containers containers;
  private final PodSandboxes pods;
  private final NamespacePinner namespaces;

  /**
   * @param containers the node's containers (resolves ids, knows their runtime and exits)
   * @param pods the node's pods (resolves ids, knows their network namespace)
   * @param namespaces joins a pod's network namespace for port-forwarding
   */
  public RuntimeStreamingBackend(
      Containers containers, PodSandboxes pods, NamespacePinner namespaces) {
    this.containers = Objects.requireNonNull(containers, "containers");
    this.pods = Objects.requireNonNull(pods, "pods");
    this.namespaces = Objects.requireNonNull(namespaces, "namespaces");
  }

  @Override
  public StreamSession exec(String containerId, List<String> cmd, StreamOptions options) {
    throw new UnimplementedException("exec in container " + containerId + ": not implemented yet");
  }

  @Override
  public StreamSession attach(String containerId, StreamOptions options) {
    throw new UnimplementedException(
        "attach to container " + containerId + ": not implemented yet");
  }

  @Override
  public SocketChannel portForward(String podSandboxId, int port) {
    throw new UnimplementedException(
        "port-forward to pod " + podSandboxId + " port " + port + ": not implemented yet");
  }
}
