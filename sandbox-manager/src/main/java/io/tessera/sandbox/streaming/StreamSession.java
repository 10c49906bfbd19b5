package io.tessera.sandbox.streaming;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One live exec or attach session.
 *
 * <p>The streams are blocking; the caller pumps each on its own thread. {@link #stdin()} is present
 * only when stdin was requested (for attach: and the container was created with stdin); closing it
 * sends end-of-file to the process (for attach: only when the container is stdin_once). {@link
 * #stdout()} carries the terminal's output when the session has a tty; {@link #stderr()} is then
 * empty. An output stream reaches end-of-file when the process closes its end.
 *
 * <p>Thread-safe: {@link #resize} and {@link #close} may be called from any thread, at any time.
 * {@link #close} is idempotent; it ends an exec by killing its process (and its children) and
 * waiting for it, and ends an attach by detaching from the monitor, leaving the container running.
 */
public interface StreamSession extends AutoCloseable {

  Optional<OutputStream> stdin();

  Optional<InputStream> stdout();

  Optional<InputStream> stderr();

  /** Sets the terminal's window size; ignored when the session has no tty. */
  void resize(TerminalSize size);

  /**
   * Completes with the exit code once the process has ended: the exec'd process for exec, the
   * container's main process for attach. Never completes exceptionally; a process killed by a
   * signal reports 128 + the signal number.
   */
  CompletableFuture<Integer> exit();

  @Override
  void close();
}
