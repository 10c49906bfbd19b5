package io.tessera.kernel.proc;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * How a host command ended: its command line, exit code and captured output. {@link #describe()} is
 * the text a failure's exception carries (command line and stderr).
 */
public final class CommandResult {
  private final List<String> command;
  private final int exitCode;
  private final byte[] stdout;
  private final byte[] stderr;
  private final boolean timedOut;

  CommandResult(
      List<String> command, int exitCode, byte[] stdout, byte[] stderr, boolean timedOut) {
    this.command = List.copyOf(command);
    this.exitCode = exitCode;
    this.stdout = stdout.clone();
    this.stderr = stderr.clone();
    this.timedOut = timedOut;
  }

  public List<String> command() {
    return command;
  }

  /** The exit status; 128+n for death by signal n; -1 when it timed out and was killed. */
  public int exitCode() {
    return exitCode;
  }

  public boolean timedOut() {
    return timedOut;
  }

  public boolean ok() {
    return !timedOut && exitCode == 0;
  }

  public byte[] stdoutBytes() {
    return stdout.clone();
  }

  public byte[] stderrBytes() {
    return stderr.clone();
  }

  public String stdout() {
    return new String(stdout, StandardCharsets.UTF_8);
  }

  public String stderr() {
    return new String(stderr, StandardCharsets.UTF_8);
  }

  /** The command line as one shell-like string, for messages. */
  public String commandLine() {
    return String.join(" ", command);
  }

  /** {@code `runc --root /r kill c1 9` exited 1: <stderr>}: what a failure message says. */
  public String describe() {
    String how = timedOut ? "timed out" : "exited " + exitCode;
    String err = stderr().strip();
    return "`" + commandLine() + "` " + how + (err.isEmpty() ? "" : ": " + err);
  }

  @Override
  public String toString() {
    return describe();
  }
}
