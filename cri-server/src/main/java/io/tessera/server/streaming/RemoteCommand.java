package io.tessera.server.streaming;

import io.tessera.sandbox.streaming.StreamSession;
import io.tessera.sandbox.streaming.StreamingBackend;
import io.tessera.sandbox.streaming.TerminalSize;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one exec or attach session between a client's streams and the backend, whatever the wire
 * protocol: starts the session, pumps stdin, stdout, stderr and resize on their own threads, and
 * when the process ends sends the exit status and closes the connection. When the client goes away
 * first, the session is closed, which kills an exec'd process (an attach only detaches).
 */
final class RemoteCommand implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(RemoteCommand.class);

  /** After the process has ended, outputs that move no byte for this long are given up. */
  static final long OUTPUT_DRAIN_IDLE_MILLIS = 2000;

  private static final int CHUNK = 32 * 1024;

  /** The connection a session runs over. */
  interface Transport {
    /** Completes (on any thread) once the client's connection is gone. */
    CompletableFuture<Void> closed();

    /** Ends the connection cleanly, after everything written so far. Idempotent. */
    void close();
  }

  /**
   * The client's side of the session.
   *
   * @param stdin the client's stdin, null when not requested
   * @param stdout where the process's stdout goes ({@link ByteSink#DISCARD} when not requested)
   * @param stderr likewise for stderr
   * @param resize the client's resize messages, null when there are none
   * @param error where the exit status is written
   * @param structuredStatus JSON Status (v4, v5) or a plain message (older protocols)
   */
  record Streams(
      InputStream stdin,
      ByteSink stdout,
      ByteSink stderr,
      InputStream resize,
      ByteSink error,
      boolean structuredStatus) {}

  private final StreamRequest request;
  private final StreamingBackend backend;
  private final Streams streams;
  private final Transport transport;
  private final ExecutorService pumps;

  RemoteCommand(
      StreamRequest request,
      StreamingBackend backend,
      Streams streams,
      Transport transport,
      ExecutorService pumps) {
    if (!(request instanceof StreamRequest.Exec) && !(request instanceof StreamRequest.Attach)) {
      throw new IllegalArgumentException("not an exec or attach request: " + request);
    }
    this.request = request;
    this.backend = backend;
    this.streams = streams;
    this.transport = transport;
    this.pumps = pumps;
  }

  @Override
  public void run() {
    StreamSession session;
    try {
      session = open();
    } catch (RuntimeException e) {
      String what =
          request instanceof StreamRequest.Exec
              ? "error executing command in container: "
              : "error attaching to container: ";
      LOG.info("{}{}", what, e.getMessage());
      finish(ExitStatus.internalError(what + e.getMessage()));
      closeInputs();
      return;
    }
    try {
      serve(session);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      transport.close();
    } finally {
      session.close();
      closeInputs();
    }
  }

  private StreamSession open() {
    if (request instanceof StreamRequest.Exec exec) {
      return backend.exec(exec.containerId(), exec.cmd(), exec.options());
    }
    StreamRequest.Attach attach = (StreamRequest.Attach) request;
    return backend.attach(attach.containerId(), attach.options());
  }

  private void serve(StreamSession session) throws InterruptedException {
    CompletableFuture<Void> gone = transport.closed();
    // Closing may wait for the killed process: never on the event loop that completes `gone`.
    gone.thenRunAsync(session::close, pumps);
    AtomicLong moved = new AtomicLong();
    List<CompletableFuture<Void>> outputs = new ArrayList<>();
    outputs.add(pumpOutput(session.stdout(), streams.stdout(), moved));
    outputs.add(pumpOutput(session.stderr(), streams.stderr(), moved));
    if (streams.stdin() != null) {
      pumps.execute(() -> pumpStdin(streams.stdin(), session.stdin()));
    }
    if (streams.resize() != null) {
      pumps.execute(() -> ResizeDecoder.decode(streams.resize(), size -> resize(session, size)));
    }
    await(CompletableFuture.anyOf(session.exit(), gone));
    if (gone.isDone()) {
      LOG.debug("{}: client went away, closing the session", request.route());
      return;
    }
    int code = session.exit().join();
    awaitOutputs(outputs, moved);
    ExitStatus status = ExitStatus.success();
    if (code != 0 && request instanceof StreamRequest.Exec exec) {
      status =
          ExitStatus.nonZeroExit(
              code, "command '" + String.join(" ", exec.cmd()) + "' exited with " + code);
    }
    finish(status);
  }

  private void finish(ExitStatus status) {
    Optional<byte[]> payload = status.encode(streams.structuredStatus());
    try {
      if (payload.isPresent()) {
        streams.error().write(payload.get(), 0, payload.get().length);
      }
    } catch (IOException e) {
      LOG.debug("exit status not delivered: {}", e.toString());
    }
    streams.error().close();
    transport.close();
  }

  private CompletableFuture<Void> pumpOutput(
      Optional<InputStream> from, ByteSink to, AtomicLong moved) {
    if (from.isEmpty()) {
      to.close();
      return CompletableFuture.completedFuture(null);
    }
    return CompletableFuture.runAsync(
        () -> {
          byte[] buf = new byte[CHUNK];
          try (InputStream in = from.get()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
              if (n > 0) {
                to.write(buf, 0, n);
                moved.addAndGet(n);
              }
            }
          } catch (IOException e) {
            LOG.debug("{} output ended: {}", request.route(), e.toString());
          } finally {
            to.close();
          }
        },
        pumps);
  }

  private void pumpStdin(InputStream from, Optional<OutputStream> to) {
    byte[] buf = new byte[CHUNK];
    boolean open = to.isPresent();
    try {
      int n;
      while ((n = from.read(buf)) >= 0) {
        if (open && n > 0) {
          try {
            to.get().write(buf, 0, n);
            to.get().flush();
          } catch (IOException e) {
            // The process closed its stdin: what the client still sends is dropped.
            open = false;
          }
        }
      }
    } catch (IOException e) {
      LOG.debug("{} stdin ended: {}", request.route(), e.toString());
    } finally {
      if (to.isPresent()) {
        try {
          to.get().close();
        } catch (IOException e) {
          LOG.debug("close stdin: {}", e.toString());
        }
      }
    }
  }

  private static void resize(StreamSession session, TerminalSize size) {
    try {
      session.resize(size);
    } catch (RuntimeException e) {
      LOG.debug("resize to {}x{} failed: {}", size.width(), size.height(), e.toString());
    }
  }

  /**
   * Waits for the outputs to reach end-of-file after the process ended. A child the process left
   * behind may hold them open: once they stop moving, the session is closed all the same.
   */
  private static void awaitOutputs(List<CompletableFuture<Void>> outputs, AtomicLong moved)
      throws InterruptedException {
    CompletableFuture<Void> all =
        CompletableFuture.allOf(outputs.toArray(new CompletableFuture[0]));
    long last = moved.get();
    while (true) {
      try {
        all.get(OUTPUT_DRAIN_IDLE_MILLIS, TimeUnit.MILLISECONDS);
        return;
      } catch (TimeoutException e) {
        long now = moved.get();
        if (now == last) {
          LOG.debug("outputs still open after the process ended; closing them");
          return;
        }
        last = now;
      } catch (ExecutionException e) {
        return;
      }
    }
  }

  private static void await(CompletableFuture<?> f) throws InterruptedException {
    try {
      f.get();
    } catch (ExecutionException e) {
      // exit() never fails and closed() only completes normally.
    }
  }

  private void closeInputs() {
    if (streams.stdin() != null) {
      closeQuietly(streams.stdin());
    }
    if (streams.resize() != null) {
      closeQuietly(streams.resize());
    }
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      LOG.debug("close: {}", e.toString());
    }
  }
}
