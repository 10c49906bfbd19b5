package io.tessera.kernel.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.InvalidArgumentException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConmonRequestTest {

  private static ConmonRequest.Builder base() {
    return ConmonRequest.builder()
        .containerId("c1")
        .runtime(Path.of("/usr/sbin/runc"))
        .runtimeArgs(List.of("--root=/run/t/runc"))
        .bundle(Path.of("/b"))
        .logPath(Path.of("/logs/c1.log"))
        .exitDir(Path.of("/run/t/exits"))
        .socketDir(Path.of("/run/t/s"));
  }

  @Test
  void buildsTheCreateCommandLine() {
    ConmonMonitor monitor = new ConmonMonitor(Path.of("/usr/bin/conmon"));
    assertThat(monitor.commandLine(base().build()))
        .containsExactly(
            "/usr/bin/conmon",
            "--api-version",
            "1",
            "-c",
            "c1",
            "-u",
            "c1",
            "-n",
            "c1",
            "-r",
            "/usr/sbin/runc",
            "--runtime-arg",
            "--root=/run/t/runc",
            "-b",
            "/b",
            "-p",
            "/b/pidfile",
            "-P",
            "/b/conmon.pid",
            "-l",
            "k8s-file:/logs/c1.log",
            "--exit-dir",
            "/run/t/exits",
            "--socket-dir-path",
            "/run/t/s");
  }

  @Test
  void optionalFlags() {
    List<String> args =
        base()
            .name("web")
            .stdin(true)
            .leaveStdinOpen(true)
            .logSizeMax(1024L)
            .exitCommand(Path.of("/bin/tessera"), List.of("exited", "c1"))
            .exitDelay(Duration.ofSeconds(2))
            .syslog(true)
            .build()
            .arguments();
    assertThat(String.join(" ", args))
        .contains("-n web")
        .contains("--log-size-max 1024")
        .contains(" -i --leave-stdin-open")
        .contains("--exit-command /bin/tessera --exit-command-arg exited --exit-command-arg c1")
        .contains("--exit-delay 2")
        .endsWith("--syslog");
  }

  @Test
  void terminalWinsOverStdinPipe() {
    List<String> args = base().terminal(true).stdin(true).build().arguments();
    assertThat(args).contains("-t").doesNotContain("-i");
  }

  @Test
  void execSession() {
    List<String> args =
        base()
            .execProcessSpec(Path.of("/p.json"))
            .timeout(Duration.ofSeconds(5))
            .build()
            .arguments();
    assertThat(String.join(" ", args)).endsWith("-e --exec-process-spec /p.json -T 5");
  }

  @Test
  void derivedPaths() {
    ConmonRequest r = base().build();
    assertThat(r.exitFile()).isEqualTo(Path.of("/run/t/exits/c1"));
    assertThat(r.attachSocketPath()).isEqualTo(Path.of("/run/t/s/c1/attach"));
    assertThat(r.controlFifo()).isEqualTo(Path.of("/b/ctl"));
  }

  @Test
  void refusesAttachSocketPathsTheKernelCannotBind() {
    assertThatThrownBy(() -> base().socketDir(Path.of("/" + "x".repeat(100))).build())
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("attach socket path");
  }

  @Test
  void refusesBadIdsAndInconsistentOptions() {
    assertThatThrownBy(() -> base().containerId("a.b").build())
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> base().containerId("-x").build())
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> base().leaveStdinOpen(true).build())
        .isInstanceOf(InvalidArgumentException.class);
  }
}
