package io.tessera.kernel.proc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HostCommandIT {

  @Test
  void capturesExitCodeAndBothStreams() {
    CommandResult r = HostCommand.of("/bin/sh", "-c", "echo out; echo err >&2; exit 3").run();
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.ok()).isFalse();
    assertThat(r.stdout()).isEqualTo("out\n");
    assertThat(r.stderr()).isEqualTo("err\n");
    assertThat(r.describe()).isEqualTo("`/bin/sh -c echo out; echo err >&2; exit 3` exited 3: err");
  }

  @Test
  void feedsStdinAndSetsTheEnvironment() {
    CommandResult r =
        HostCommand.of("/bin/sh", "-c", "cat; echo \"$ONLY\"; echo \"${HOME:-none}\"")
            .stdin("in\n".getBytes(StandardCharsets.UTF_8))
            .environment(Map.of("ONLY", "me"))
            .run();
    assertThat(r.ok()).isTrue();
    assertThat(r.stdout()).isEqualTo("in\nme\nnone\n");
  }

  @Test
  void killsOnTimeoutAfterTheHook() {
    AtomicBoolean hook = new AtomicBoolean();
    CommandResult r =
        HostCommand.of("/bin/sh", "-c", "exec sleep 1000")
            .timeout(Duration.ofMillis(300))
            .onTimeout(() -> hook.set(true))
            .run();
    assertThat(r.timedOut()).isTrue();
    assertThat(r.exitCode()).isEqualTo(-1);
    assertThat(hook).isTrue();
    assertThat(r.describe()).endsWith("timed out");
  }

  /** A daemonizing child keeps the output file, not a pipe, so the caller does not wait. */
  @Test
  void doesNotWaitForBackgroundChildrenHoldingStdout() {
    CommandResult r = HostCommand.of("/bin/sh", "-c", "sleep 30 & echo started").run();
    try {
      assertThat(r.ok()).isTrue();
      assertThat(r.stdout()).isEqualTo("started\n");
    } finally {
      Leaks.killProcessesMentioning("sleep 30");
    }
  }
}
