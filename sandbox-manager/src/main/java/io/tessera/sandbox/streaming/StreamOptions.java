package io.tessera.sandbox.streaming;

import io.tessera.kernel.errors.InvalidArgumentException;

/**
 * Which standard streams a session carries and whether it runs on a terminal.
 *
 * <p>With a terminal there is one output stream (stdout) and no stderr, as the pty merges them;
 * asking for stderr with a terminal is refused, as the kubelet does.
 */
public record StreamOptions(boolean stdin, boolean stdout, boolean stderr, boolean tty) {
  public StreamOptions {
    if (!stdin && !stdout && !stderr) {
      throw new InvalidArgumentException("one of stdin, stdout or stderr must be requested");
    }
    if (tty && stderr) {
      throw new InvalidArgumentException("stderr cannot be requested with a tty");
    }
  }
}
