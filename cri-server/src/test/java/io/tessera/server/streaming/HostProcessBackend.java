package io.tessera.server.streaming;

import io.tessera.kernel.errors.NotFoundException;
import io.tessera.kernel.errors.UnavailableException;
import io.tessera.sandbox.streaming.StreamOptions;
import io.tessera.sandbox.streaming.StreamSession;
import io.tessera.sandbox.streaming.StreamingBackend;
import io.tessera.sandbox.streaming.TerminalSize;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A {@link StreamingBackend} over real host processes, for testing the streaming server without
 * containers: exec runs the command on the host, attach runs the command registered for the
 * "container", port-forward connects to the host's loopback. Not a stand-in for the runtime: the
 * server's job (protocols, pumping, exit status, cleanup) is what the tests check against it.
 */
final class HostProcessBackend implements StreamingBackend, AutoCloseable {
  final List<Process> processes = new CopyOnWriteArrayList<>();
  final List<TerminalSize> resizes = new CopyOnWriteArrayList<>();
  final Map<String, List<String>> attachCommands = new ConcurrentHashMap<>();

  @Override
  public StreamSession exec(String containerId, List<String> cmd, StreamOptions options) {
    if (containerId.startsWith("missing")) {
      throw new NotFoundException("container " + containerId + " not found");
    }
    return start(cmd, options);
  }

  @Override
  public StreamSession attach(String containerId, StreamOptions options) {
    List<String> cmd = attachCommands.get(containerId);
    if (cmd == null) {
      throw new NotFoundException("container " + containerId + " not found");
    }
    return start(cmd, options);
  }

  @Override
  public SocketChannel portForward(String podSandboxId, int port) {
    try {
      return SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    } catch (IOException e) {
      throw new UnavailableException(
          "connect to port " + port + " of pod " + podSandboxId + ": " + e.getMessage(), e);
    }
  }

  private StreamSession start(List<String> cmd, StreamOptions options) {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    if (!options.stdin()) {
      pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    }
    if (!options.stdout()) {
      pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    }
    if (!options.stderr()) {
      pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    }
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new UnavailableException("start " + cmd + ": " + e.getMessage(), e);
    }
    processes.add(p);
    return new Session(p, options);
  }

  @Override
  public void close() {
    for (Process p : processes) {
      kill(p);
    }
  }

  static void kill(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    try {
      p.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private final class Session implements StreamSession {
    private final Process p;
    private final StreamOptions options;

    Session(Process p, StreamOptions options) {
      this.p = p;
      this.options = options;
    }

    @Override
    public Optional<OutputStream> stdin() {
      return options.stdin() ? Optional.of(p.getOutputStream()) : Optional.empty();
    }

    @Override
    public Optional<InputStream> stdout() {
      return options.stdout() ? Optional.of(p.getInputStream()) : Optional.empty();
    }

    @Override
    public Optional<InputStream> stderr() {
      return options.stderr() ? Optional.of(p.getErrorStream()) : Optional.empty();
    }

    @Override
    public void resize(TerminalSize size) {
      if (options.tty()) {
        resizes.add(size);
      }
    }

    @Override
    public CompletableFuture<Integer> exit() {
      return p.onExit().thenApply(Process::exitValue);
    }

    @Override
    public void close() {
      kill(p);
    }
  }
}
