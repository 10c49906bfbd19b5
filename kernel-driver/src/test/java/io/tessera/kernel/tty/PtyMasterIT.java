package io.tessera.kernel.tty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A real pty with /bin/sh and busybox stty on its slave. */
class PtyMasterIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private static Process onSlave(PtyMaster pty, String script) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(
            "/bin/sh",
            "-c",
            "exec setsid -c /bin/sh -c \"$1\" <\"$PTY\" >\"$PTY\" 2>&1",
            "sh",
            script);
    pb.environment().put("PTY", pty.slavePath().toString());
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    return pb.start();
  }

  @Test
  void theSlaveSeesTheSizeSetOnTheMasterAndOutputEndsWhenTheProcessExits() throws Exception {
    assertThat(Path.of("/bin/busybox")).as("busybox-static must be installed").isExecutable();
    try (PtyMaster pty = PtyMaster.open()) {
      assertThat(pty.slavePath().toString()).startsWith("/dev/pts/");
      pty.resize(120, 40);
      assertThat(pty.windowSize()).containsExactly(120, 40);
      Process p = onSlave(pty, "/bin/busybox stty size; read x; echo \"got $x\"");
      Screen screen = new Screen(pty.input());
      await().atMost(WAIT).until(() -> screen.text().equals("40 120\n"));
      pty.output().write("line\n".getBytes(StandardCharsets.UTF_8));
      assertThat(p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      screen.awaitEnd();
      // The terminal echoes what was typed.
      assertThat(screen.text()).isEqualTo("40 120\nline\ngot line\n");
    }
  }

  @Test
  void aRawTerminalNeitherEchoesNorTranslates() throws Exception {
    try (PtyMaster pty = PtyMaster.open()) {
      pty.makeRaw();
      Process p = onSlave(pty, "read x; echo \"got $x\"");
      CompletableFuture<String> out =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return new String(pty.input().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      pty.output().write("line\n".getBytes(StandardCharsets.UTF_8));
      assertThat(p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      assertThat(out.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("got line\n");
    }
  }

  @Test
  void aResizeSendsSigwinchToTheForegroundProcess() throws Exception {
    try (PtyMaster pty = PtyMaster.open()) {
      pty.resize(80, 24);
      Process p =
          onSlave(
              pty,
              "trap '/bin/busybox stty size; exit 0' WINCH; echo ready; while true; do"
                  + " /bin/busybox sleep 0.1; done");
      StringBuilder seen = new StringBuilder();
      InputStream in = pty.input();
      Thread reader =
          new Thread(
              () -> {
                byte[] buf = new byte[256];
                try {
                  int n;
                  while ((n = in.read(buf)) >= 0) {
                    synchronized (seen) {
                      seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    }
                  }
                } catch (IOException e) {
                  // closed
                }
              });
      reader.start();
      await()
          .atMost(WAIT)
          .until(
              () -> {
                synchronized (seen) {
                  return seen.toString().contains("ready");
                }
              });
      pty.resize(100, 50);
      assertThat(p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      reader.join(WAIT.toMillis());
      synchronized (seen) {
        assertThat(seen.toString()).contains("50 100");
      }
    }
  }

  @Test
  void closeWakesABlockedReaderAndReleasesTheFds() throws Exception {
    long before = openFds();
    PtyMaster pty = PtyMaster.open();
    CompletableFuture<Integer> read =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return pty.input().read();
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    assertThat(read).isNotDone();
    pty.close();
    assertThat(read.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(-1);
    pty.close();
    assertThat(openFds()).isEqualTo(before);
  }

  /** Collects a stream on a thread of its own. */
  private static final class Screen {
    private final StringBuffer text = new StringBuffer();
    private final Thread reader;

    Screen(InputStream in) {
      reader =
          new Thread(
              () -> {
                byte[] buf = new byte[256];
                try {
                  int n;
                  while ((n = in.read(buf)) >= 0) {
                    text.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                  }
                } catch (IOException e) {
                  text.append("<").append(e.getMessage()).append(">");
                }
              });
      reader.start();
    }

    String text() {
      return text.toString().replace("\r\n", "\n");
    }

    void awaitEnd() throws InterruptedException {
      reader.join(WAIT.toMillis());
      assertThat(reader.isAlive()).as("output reached end of file").isFalse();
    }
  }

  private static long openFds() throws IOException {
    try (var s = Files.list(Path.of("/proc/self/fd"))) {
      return s.count();
    }
  }
}
