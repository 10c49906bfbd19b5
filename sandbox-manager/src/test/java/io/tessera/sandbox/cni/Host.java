package io.tessera.sandbox.cni;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs host commands for the ITs: ip, iptables-save, tc, busybox. */
final class Host {
  private Host() {}

  record Result(int exit, String out, String err) {}

  static Result exec(String... cmd) {
    return execWithInput(null, cmd);
  }

  /** Runs with {@code input} on stdin (null: /dev/null). */
  static Result execWithInput(String input, String... cmd) {
    String line = String.join(" ", cmd);
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd);
      if (input == null) {
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      }
      Process p = pb.start();
      CompletableFuture<String> err =
          CompletableFuture.supplyAsync(() -> readQuietly(p.getErrorStream()));
      if (input != null) {
        try (OutputStream in = p.getOutputStream()) {
          in.write(input.getBytes(StandardCharsets.UTF_8));
        }
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("timed out: " + line);
      }
      return new Result(p.exitValue(), out, err.join());
    } catch (IOException e) {
      throw new AssertionError("cannot run " + line, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted: " + line, e);
    }
  }

  private static String readQuietly(java.io.InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** Runs and insists on exit status 0. */
  static String run(String... cmd) {
    Result r = exec(cmd);
    if (r.exit() != 0) {
      throw new AssertionError(
          String.join(" ", cmd) + " exited " + r.exit() + ": " + r.err() + r.out());
    }
    return r.out();
  }

  static List<String> lines(String s) {
    return s.lines().filter(l -> !l.isBlank()).toList();
  }

  static boolean isRoot() {
    return run("id", "-u").strip().equals("0");
  }
}
