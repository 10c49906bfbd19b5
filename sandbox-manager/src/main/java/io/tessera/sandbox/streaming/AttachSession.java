package io.tessera.sandbox.streaming;

import io.tessera.kernel.oci.AttachConnection;
import io.tessera.kernel.oci.AttachPacket;
import io.tessera.kernel.oci.ConmonControl;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An attach to a container's main process through conmon: one thread receives conmon's packets and
 * sorts them into the stdout and stderr queues by their stream byte; stdin bytes go to the socket
 * as they are written; a resize is a line on conmon's control fifo.
 *
 * <p>conmon sends only what the container writes after the connection (no replay). When the
 * container exits, conmon closes the socket and both streams reach end of file. {@link #close()}
 * detaches; the container keeps running.
 */
final class AttachSession implements StreamSession {
  private static final Logger LOG = LoggerFactory.getLogger(AttachSession.class);

  /** How much output may wait for a slow reader before conmon is held back. */
  private static final int QUEUE_LIMIT = 1 << 20;

  private static final Duration JOIN_WAIT = Duration.ofSeconds(10);

  private final String containerId;
  private final AttachConnection connection;
  private final Path controlFifo;
  private final boolean tty;
  private final ByteQueue stdout;
  private final ByteQueue stderr;
  private final Optional<OutputStream> stdin;
  private final CompletableFuture<Integer> exit;
  private final Thread receiver;

  AttachSession(
      String containerId,
      AttachConnection connection,
      Path controlFifo,
      StreamOptions options,
      boolean containerStdin,
      boolean containerTty,
      CompletableFuture<Integer> exit) {
    this.containerId = containerId;
    this.connection = connection;
    this.controlFifo = controlFifo;
    this.tty = containerTty;
    this.stdout = options.stdout() ? new ByteQueue(QUEUE_LIMIT) : null;
    this.stderr = options.stderr() && !containerTty ? new ByteQueue(QUEUE_LIMIT) : null;
    this.stdin = options.stdin() && containerStdin ? Optional.of(new Input()) : Optional.empty();
    this.exit = exit;
    this.receiver = new Thread(this::receive, "attach-" + shortId(containerId));
    this.receiver.setDaemon(true);
    this.receiver.start();
  }

  private void receive() {
    try {
      Optional<AttachPacket> p;
      while ((p = connection.receive()).isPresent()) {
        ByteQueue q = p.get().stream() == AttachPacket.Stream.STDOUT ? stdout : stderr;
        if (q != null) {
          q.offer(p.get().data());
        }
      }
    } catch (IOException e) {
      LOG.warn("attach to container {}: {}", containerId, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (stdout != null) {
        stdout.finish();
      }
      if (stderr != null) {
        stderr.finish();
      }
    }
  }

  @Override
  public Optional<OutputStream> stdin() {
    return stdin;
  }

  @Override
  public Optional<InputStream> stdout() {
    return Optional.ofNullable(stdout);
  }

  @Override
  public Optional<InputStream> stderr() {
    return Optional.ofNullable(stderr);
  }

  @Override
  public void resize(TerminalSize size) {
    if (!tty) {
      return;
    }
    ConmonControl.send(controlFifo, ConmonControl.resizeMessage(size.height(), size.width()));
  }

  @Override
  public CompletableFuture<Integer> exit() {
    return exit.thenApply(code -> code);
  }

  @Override
  public void close() {
    connection.close();
    // The receiver sees end of file at once (shutdown wakes it) unless it waits for a reader of
    // a full queue; closing the queues releases it.
    if (stdout != null) {
      stdout.close();
    }
    if (stderr != null) {
      stderr.close();
    }
    try {
      receiver.join(JOIN_WAIT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String shortId(String id) {
    return id.length() > 12 ? id.substring(0, 12) : id;
  }

  /** Writes go to conmon as stdin packets; close tells conmon stdin ended (SHUT_WR). */
  private final class Input extends OutputStream {
    private boolean closed;

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      java.util.Objects.checkFromIndexSize(off, len, b.length);
      if (len > 0) {
        connection.send(b, off, len);
      }
    }

    @Override
    public synchronized void close() {
      if (closed) {
        return;
      }
      closed = true;
      // conmon closes the container's stdin on this only when the container is stdin_once (it
      // was started without --leave-stdin-open); otherwise stdin stays open for the next attach.
      connection.shutdownOutput();
    }
  }
}
