package io.tessera.server.streaming;

import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.sandbox.streaming.StreamOptions;
import java.util.List;
import java.util.Objects;

/**
 * A validated Exec, Attach or PortForward request, remembered under a token until the client opens
 * its URL. Ids are already resolved to full ids.
 */
public sealed interface StreamRequest {

  /** The URL path segment that serves this kind of request. */
  String route();

  /** Exec: {@code cmd} in a running container. */
  record Exec(String containerId, List<String> cmd, StreamOptions options)
      implements StreamRequest {
    public Exec {
      Objects.requireNonNull(containerId, "containerId");
      Objects.requireNonNull(options, "options");
      cmd = List.copyOf(cmd);
      if (cmd.isEmpty()) {
        throw new InvalidArgumentException("exec in " + containerId + ": cmd is empty");
      }
    }

    @Override
    public String route() {
      return "exec";
    }
  }

  /** Attach: to a running container's main process. */
  record Attach(String containerId, StreamOptions options) implements StreamRequest {
    public Attach {
      Objects.requireNonNull(containerId, "containerId");
      Objects.requireNonNull(options, "options");
    }

    @Override
    public String route() {
      return "attach";
    }
  }

  /**
   * PortForward: ports on the pod's loopback. {@code ports} may be empty: WebSocket clients then
   * name them in the {@code ports} query parameter, as the kubelet's server reads them; SPDY
   * clients name a port per stream anyway.
   */
  record PortForward(String podSandboxId, List<Integer> ports) implements StreamRequest {
    public PortForward {
      Objects.requireNonNull(podSandboxId, "podSandboxId");
      ports = List.copyOf(ports);
      for (int p : ports) {
        if (p < 1 || p > 65535) {
          throw new InvalidArgumentException(
              "port forward to " + podSandboxId + ": port " + p + " is out of range 1..65535");
        }
      }
    }

    @Override
    public String route() {
      return "portforward";
    }
  }
}
