package io.tessera.storage.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs host tools (umoci, skopeo, mount) for test fixtures. A failure throws with the command line,
 * exit code and output; a missing binary fails rather than skips.
 */
public final class Umoci {
  private Umoci() {}

  /** Runs {@code umoci args...}. */
  public static String umoci(String... args) {
    return run(prepend("umoci", args));
  }

  /** Runs a host command and returns its standard output. */
  public static String run(String... command) {
    return run(List.of(command));
  }

  /** Runs a host command and returns its standard output. */
  public static String run(List<String> command) {
    Path out = null;
    try {
      out = Files.createTempFile("tessera-cmd", ".out");
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        p.waitFor(1, TimeUnit.MINUTES);
        throw new IllegalStateException("timed out: " + String.join(" ", command));
      }
      String output = Files.readString(out, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", command) + " exited " + p.exitValue() + ":\n" + output);
      }
      return output;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + String.join(" ", command) + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
    } finally {
      if (out != null) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException e) {
          // a temp file left in /tmp is harmless; the command's result stands
        }
      }
    }
  }

  private static List<String> prepend(String first, String... rest) {
    List<String> all = new ArrayList<>();
    all.add(first);
    all.addAll(List.of(rest));
    return all;
  }
}
