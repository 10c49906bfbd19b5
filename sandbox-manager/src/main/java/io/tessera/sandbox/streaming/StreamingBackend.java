package io.tessera.sandbox.streaming;

import java.nio.channels.SocketChannel;
import java.util.List;

/**
 * The runtime operations behind the streaming server.
 *
 * <p>Every method resolves ids (full or unique prefix) and fails with the domain exceptions: {@code
 * NotFoundException} for an unknown container or pod, {@code FailedPreconditionException} when the
 * container is not running or the pod not ready, {@code InvalidArgumentException} for a bad
 * request. Thread-safe; sessions are independent of each other.
 */
public interface StreamingBackend {

  /** Starts {@code cmd} in the running container through the OCI runtime's exec. */
  StreamSession exec(String containerId, List<String> cmd, StreamOptions options);

  /** Attaches to the running container's main process through its monitor's attach socket. */
  StreamSession attach(String containerId, StreamOptions options);

  /**
   * Opens a TCP connection to {@code port} on the loopback address inside the pod's network
   * namespace (the host's, for a host-network pod). The caller owns and closes the channel.
   */
  SocketChannel portForward(String podSandboxId, int port);
}
