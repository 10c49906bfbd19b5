package io.tessera.kernel.oci;

import java.nio.charset.StandardCharsets;

/** How a synchronous exec ended. On a timeout the process was killed and {@code exitCode} is -1. */
public record ExecResult(int exitCode, byte[] stdout, byte[] stderr, boolean timedOut) {

  public ExecResult {
    stdout = stdout.clone();
    stderr = stderr.clone();
  }

  @Override
  public byte[] stdout() {
    return stdout.clone();
  }

  @Override
  public byte[] stderr() {
    return stderr.clone();
  }

  public String stdoutText() {
    return new String(stdout, StandardCharsets.UTF_8);
  }

  public String stderrText() {
    return new String(stderr, StandardCharsets.UTF_8);
  }
}
