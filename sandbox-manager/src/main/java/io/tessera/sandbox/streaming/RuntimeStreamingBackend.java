package io.tessera.sandbox.streaming;

import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.NotFoundException;
import io.tessera.kernel.errors.TesseraException;
import io.tessera.kernel.errors.UnavailableException;
import io.tessera.kernel.ns.NamespacePinner;
import io.tessera.kernel.ns.NsType;
import io.tessera.kernel.oci.AttachConnection;
import io.tessera.sandbox.lifecycle.Containers;
import io.tessera.sandbox.lifecycle.PodSandboxes;
import io.tessera.sandbox.model.Container;
import io.tessera.sandbox.model.NamespaceType;
import io.tessera.sandbox.model.PodSandbox;
import io.tessera.sandbox.model.PodSandboxState;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * {@link StreamingBackend} over the node's runtime: exec through the container's OCI runtime in the
 * foreground (a pty when asked for a terminal), attach through conmon's attach socket and control
 * fifo, port-forward from a thread inside the pod's network namespace.
 *
 * <p>Thread-safe; holds no resources of its own (each session owns and releases its own: the caller
 * closes sessions and port-forward channels).
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
    Objects.requireNonNull(options, "options");
    if (cmd == null || cmd.isEmpty()) {
      throw new InvalidArgumentException("Exec in container " + containerId + ": cmd is empty");
    }
    Container c = containers.requireRunning(containerId, "Exec");
    return ExecSession.start(containers, c, cmd, options);
  }

  /**
   * {@inheritDoc}
   *
   * <p>The session has a terminal when the container has one (whatever {@code options.tty()} says:
   * conmon has one stream then), and stdin only when the container was created with stdin.
   */
  @Override
  public StreamSession attach(String containerId, StreamOptions options) {
    Objects.requireNonNull(options, "options");
    Container c = containers.requireRunning(containerId, "Attach");
    CompletableFuture<Integer> exit = containers.exitOf(c);
    AttachConnection conn;
    try {
      conn = AttachConnection.connect(containers.attachSocket(c));
    } catch (TesseraException e) {
      throw TesseraException.sameKind(e, "Attach to container " + c.id() + ": " + e.getMessage());
    }
    try {
      return new AttachSession(
          c.id(),
          conn,
          containers.controlFifo(c),
          options,
          c.config().stdin(),
          c.config().tty(),
          exit);
    } catch (RuntimeException e) {
      conn.close();
      throw e;
    }
  }

  @Override
  public SocketChannel portForward(String podSandboxId, int port) {
    if (port < 1 || port > 65535) {
      throw new InvalidArgumentException(
          "PortForward to pod " + podSandboxId + ": port " + port + " is out of range 1..65535");
    }
    PodSandbox pod;
    try {
      pod = pods.status(podSandboxId);
    } catch (NotFoundException e) {
      throw new NotFoundException("PortForward: pod sandbox " + podSandboxId + " not found", e);
    }
    if (pod.state() != PodSandboxState.READY) {
      throw new FailedPreconditionException(
          "PortForward to pod " + pod.id() + ": it is " + pod.state() + ", not READY");
    }
    String what = "PortForward to pod " + pod.id() + " port " + port;
    Optional<Path> netns = pod.facts().namespacePath(NamespaceType.NETWORK);
    Connected result =
        netns.isEmpty()
            ? connectLoopback(port)
            : namespaces.callInNamespace(netns.get(), NsType.NET, () -> connectLoopback(port));
    if (result.channel() != null) {
      return result.channel();
    }
    IOException e = result.failure();
    if (e instanceof ConnectException) {
      throw new UnavailableException(
          what
              + ": nothing listens on 127.0.0.1:"
              + port
              + (netns.isPresent() ? " in the pod's network namespace" : " (host network)")
              + " ("
              + e.getMessage()
              + ")",
          e);
    }
    throw new InternalException(what + ": " + e.getMessage(), e);
  }

  /** A connected channel, or why not (kept as a value so the namespace thread does not wrap it). */
  private record Connected(SocketChannel channel, IOException failure) {}

  /**
   * Connects to {@code port} on IPv4 loopback, then IPv6 loopback if refused, from the calling
   * thread: the socket belongs to the network namespace of the thread that creates it.
   */
  private static Connected connectLoopback(int port) {
    IOException first = null;
    for (InetAddress addr : loopbacks()) {
      SocketChannel ch = null;
      try {
        ch = SocketChannel.open();
        ch.connect(new InetSocketAddress(addr, port));
        return new Connected(ch, null);
      } catch (IOException e) {
        closeQuietly(ch);
        if (first == null) {
          first = e;
        }
      }
    }
    return new Connected(null, first);
  }

  private static List<InetAddress> loopbacks() {
    try {
      return List.of(
          InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1}),
          InetAddress.getByAddress(
              "localhost", new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}));
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException("loopback addresses are literals", e);
    }
  }

  private static void closeQuietly(SocketChannel ch) {
    if (ch == null) {
      return;
    }
    try {
      ch.close();
    } catch (IOException e) {
      // Never connected; nothing else to release.
    }
  }
}
