package io.tessera.sandbox.cni;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The execution protocol against small /bin/sh plugins that do exactly the misbehaviour under test
 * (the real plugins are exercised in CniNetworkIT).
 */
class PluginExecutorIT {
  @TempDir Path tmp;

  Path script(String name, String body) throws IOException {
    Path p = tmp.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  static Map<String, String> env(String command) {
    return Map.of(
        "CNI_COMMAND", command,
        "CNI_CONTAINERID", "c1",
        "CNI_NETNS", "/run/netns/none",
        "CNI_IFNAME", "eth0",
        "CNI_ARGS", "IgnoreUnknown=1",
        "CNI_PATH", "/usr/lib/cni");
  }

  @Test
  void passesEnvironmentAndStdinAndReturnsStdout() throws Exception {
    Path p =
        script(
            "echoer",
            "printf '{\"cmd\":\"%s\",\"id\":\"%s\",\"netns\":\"%s\",\"if\":\"%s\",\"args\":\"%s\","
                + "\"path\":\"%s\",\"leak\":\"%s\",\"in\":' \"$CNI_COMMAND\" \"$CNI_CONTAINERID\" "
                + "\"$CNI_NETNS\" \"$CNI_IFNAME\" \"$CNI_ARGS\" \"$CNI_PATH\" \"${CNI_STALE:-}\"\n"
                + "cat\nprintf '}'");
    byte[] out =
        new PluginExecutor(Duration.ofSeconds(10))
            .run("test", p, "echoer", env("ADD"), "{\"x\":1}".getBytes(UTF_8));

    var json = ConfigParser.JSON.readTree(out);
    assertThat(json.path("cmd").asText()).isEqualTo("ADD");
    assertThat(json.path("id").asText()).isEqualTo("c1");
    assertThat(json.path("netns").asText()).isEqualTo("/run/netns/none");
    assertThat(json.path("if").asText()).isEqualTo("eth0");
    assertThat(json.path("args").asText()).isEqualTo("IgnoreUnknown=1");
    assertThat(json.path("path").asText()).isEqualTo("/usr/lib/cni");
    assertThat(json.path("in").path("x").asInt()).isEqualTo(1);
  }

  @Test
  void pluginErrorJsonBecomesTheMessage() throws Exception {
    Path p =
        script(
            "failer",
            "cat >/dev/null\n"
                + "echo '{\"cniVersion\":\"1.0.0\",\"code\":7,\"msg\":\"bad ipam config\","
                + "\"details\":\"no subnet\"}'\necho 'log line' >&2\nexit 1");
    assertThatThrownBy(
            () ->
                new PluginExecutor(Duration.ofSeconds(10))
                    .run("network n: plugin failer ADD", p, "failer", env("ADD"), new byte[0]))
        .isInstanceOfSatisfying(
            CniPluginException.class,
            e -> {
              assertThat(e.code()).contains(7);
              assertThat(e.pluginMessage()).isEqualTo("bad ipam config");
              assertThat(e.details()).isEqualTo("no subnet");
              assertThat(e.pluginType()).isEqualTo("failer");
              assertThat(e.command()).isEqualTo("ADD");
              assertThat(e.timedOut()).isFalse();
            })
        .hasMessageContaining("network n: plugin failer ADD: bad ipam config; no subnet")
        .hasMessageContaining("CNI error code 7")
        .hasMessageContaining(p.toString())
        .hasMessageContaining("log line");
  }

  @Test
  void nonZeroExitWithoutJsonCarriesStderr() throws Exception {
    Path p = script("crasher", "echo 'panic: runtime error' >&2\nexit 2");
    assertThatThrownBy(
            () ->
                new PluginExecutor(Duration.ofSeconds(10))
                    .run("w", p, "crasher", env("DEL"), new byte[0]))
        .isInstanceOf(CniPluginException.class)
        .hasMessageContaining("exited with status 2")
        .hasMessageContaining("panic: runtime error")
        .hasMessageContaining("CNI_COMMAND=DEL");
  }

  @Test
  void timeoutKillsThePluginAndItsChildren() throws Exception {
    Path pidFile = tmp.resolve("child.pid");
    Path p = script("hanger", "sleep 300 &\necho $! > " + pidFile + "\nwait");
    assertThatThrownBy(
            () ->
                new PluginExecutor(Duration.ofSeconds(1))
                    .run("w", p, "hanger", env("ADD"), new byte[0]))
        .isInstanceOfSatisfying(CniPluginException.class, e -> assertThat(e.timedOut()).isTrue())
        .hasMessageContaining("did not finish within 1 s and was killed");

    long child = Long.parseLong(Files.readString(pidFile).strip());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ProcessHandle.of(child).map(h -> !h.isAlive()).orElse(true));
  }

  @Test
  void missingBinaryIsAPluginFailure() {
    assertThatThrownBy(
            () ->
                new PluginExecutor(Duration.ofSeconds(1))
                    .run("w", tmp.resolve("nope"), "nope", env("ADD"), new byte[0]))
        .isInstanceOf(CniPluginException.class)
        .hasMessageContaining("cannot start");
  }
}
