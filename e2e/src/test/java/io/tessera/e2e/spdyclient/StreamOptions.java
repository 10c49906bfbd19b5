package io.tessera.e2e.spdyclient;

/**
 * Which streams an exec or attach session opens; they must match the Exec/Attach request the URL
 * was issued for (the server waits for exactly those). With a TTY there is no stderr stream: the
 * terminal merges it into stdout, and client-go opens none.
 */
public record StreamOptions(boolean stdin, boolean stdout, boolean stderr, boolean tty) {
  public StreamOptions {
    if (tty && stderr) {
      throw new IllegalArgumentException("tty and stderr cannot both be set");
    }
    if (!stdin && !stdout && !stderr) {
      throw new IllegalArgumentException("one of stdin, stdout and stderr must be set");
    }
  }

  public static StreamOptions outputOnly() {
    return new StreamOptions(false, true, true, false);
  }

  public static StreamOptions withStdin() {
    return new StreamOptions(true, true, true, false);
  }

  public static StreamOptions terminal() {
    return new StreamOptions(true, true, false, true);
  }
}
