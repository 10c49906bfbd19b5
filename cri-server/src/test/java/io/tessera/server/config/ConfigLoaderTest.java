package io.tessera.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.cgroup.CgroupDriver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  private TesseraConfig load(String toml) throws Exception {
    Path f = dir.resolve("tessera.toml");
    Files.writeString(f, toml);
    return ConfigLoader.load(f, true, ConfigOverrides.none());
  }

  @Test
  void missingOptionalFileGivesEmbeddedDefaults() throws Exception {
    TesseraConfig c = ConfigLoader.load(dir.resolve("absent.toml"), false, ConfigOverrides.none());
    assertThat(c.socketPath()).isEqualTo(Path.of("/run/tessera/tessera.sock"));
    assertThat(c.rootDir()).isEqualTo(Path.of("/var/lib/tessera"));
    assertThat(c.stateDir()).isEqualTo(Path.of("/run/tessera"));
    assertThat(c.logLevel()).isEqualTo("info");
    assertThat(c.metricsAddress()).hasValueSatisfying(a -> assertThat(a.getPort()).isEqualTo(9464));
    assertThat(c.cgroupDriver()).isEqualTo(CgroupDriver.CGROUPFS);
    assertThat(c.shutdownTimeout()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void missingExplicitFileIsAnError() {
    assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("x.toml"), true, ConfigOverrides.none()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("x.toml does not exist");
  }

  @Test
  void goodFileSetsEveryKey() throws Exception {
    TesseraConfig c =
        load(
            """
            # a comment
            socket_path = "/tmp/t/cri.sock"
            root_dir = "/srv/tessera"
            state_dir = "/tmp/t/state"
            log_level = "DEBUG"
            metrics_address = "[::1]:9000"
            cgroup_driver = "cgroupfs"
            shutdown_timeout_seconds = 3
            """);
    assertThat(c.socketPath()).isEqualTo(Path.of("/tmp/t/cri.sock"));
    assertThat(c.rootDir()).isEqualTo(Path.of("/srv/tessera"));
    assertThat(c.stateDir()).isEqualTo(Path.of("/tmp/t/state"));
    assertThat(c.logLevel()).isEqualTo("debug");
    assertThat(c.metricsAddress())
        .hasValueSatisfying(
            a -> {
              assertThat(a.getHostString()).isEqualTo("::1");
              assertThat(a.getPort()).isEqualTo(9000);
            });
    assertThat(c.shutdownTimeout()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void emptyMetricsAddressDisablesTheEndpoint() throws Exception {
    assertThat(load("metrics_address = \"\"").metricsAddress()).isEmpty();
  }

  @Test
  void flagsOverrideTheFile() throws Exception {
    Path f = dir.resolve("tessera.toml");
    Files.writeString(f, "socket_path = \"/from/file.sock\"\nlog_level = \"warn\"\n");
    TesseraConfig c =
        ConfigLoader.load(f, true, new ConfigOverrides("/from/flag.sock", null, null, null, ""));
    assertThat(c.socketPath()).isEqualTo(Path.of("/from/flag.sock"));
    assertThat(c.logLevel()).isEqualTo("warn");
    assertThat(c.metricsAddress()).isEmpty();
  }

  @Test
  void unknownKeyIsNamed() {
    assertThatThrownBy(() -> load("socket_path = \"/a.sock\"\nsokcet = 1\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown key 'sokcet'")
        .hasMessageContaining("socket_path");
  }

  @Test
  void unknownTableIsNamed() {
    assertThatThrownBy(() -> load("[registry]\nmirror = \"x\"\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown key 'registry'");
  }

  @Test
  void badValuesNameTheirKey() {
    assertThatThrownBy(() -> load("log_level = \"loud\""))
        .hasMessageContaining("'log_level'")
        .hasMessageContaining("must be one of error, warn, info, debug, trace");
    assertThatThrownBy(() -> load("root_dir = \"relative/dir\""))
        .hasMessageContaining("'root_dir'")
        .hasMessageContaining("absolute");
    assertThatThrownBy(() -> load("metrics_address = \"localhost\""))
        .hasMessageContaining("'metrics_address'");
    assertThatThrownBy(() -> load("metrics_address = \"127.0.0.1:99999\""))
        .hasMessageContaining("'metrics_address'")
        .hasMessageContaining("0..65535");
    assertThatThrownBy(() -> load("cgroup_driver = \"lxc\""))
        .hasMessageContaining("'cgroup_driver'");
    assertThatThrownBy(() -> load("shutdown_timeout_seconds = -1"))
        .hasMessageContaining("'shutdown_timeout_seconds'");
  }

  @Test
  void wrongTypeNamesTheKey() {
    assertThatThrownBy(() -> load("shutdown_timeout_seconds = \"soon\""))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'shutdown_timeout_seconds'");
  }

  @Test
  void badFlagValueNamesTheFlag() {
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    dir.resolve("absent.toml"),
                    false,
                    new ConfigOverrides(null, null, null, "chatty", null)))
        .hasMessageContaining("flag --log-level")
        .hasMessageContaining("'log_level'");
  }

  @Test
  void runtimeHandlersKeepTheirOrderAndDefault() throws Exception {
    TesseraConfig c =
        load(
            """
            default_runtime = "fast"
            [runtimes.safe]
            path = "/usr/sbin/runc"
            [runtimes.fast]
            path = "/usr/bin/crun"
            """);
    assertThat(c.runtimes().handlers().keySet()).containsExactly("safe", "fast");
    assertThat(c.runtimes().handlers().get("fast")).isEqualTo(Path.of("/usr/bin/crun"));
    assertThat(c.runtimes().defaultHandler()).hasValue("fast");
    assertThat(load("").runtimes().handlers()).isEmpty();
  }

  @Test
  void badRuntimeHandlersNameTheKey() {
    assertThatThrownBy(() -> load("default_runtime = \"x\"\n[runtimes.y]\npath = \"/bin/y\"\n"))
        .hasMessageContaining("'default_runtime'");
    assertThatThrownBy(() -> load("[runtimes.y]\npath = \"rel/y\"\n"))
        .hasMessageContaining("'runtimes.y.path'");
    assertThatThrownBy(() -> load("[runtimes.y]\n")).hasMessageContaining("'runtimes.y.path'");
    assertThatThrownBy(() -> load("[runtimes.Bad]\npath = \"/bin/y\"\n"))
        .hasMessageContaining("'runtimes.Bad'");
    assertThatThrownBy(() -> load("[runtimes.y]\npath = \"/bin/y\"\nargs = 1\n"))
        .hasMessageContaining("unknown key 'runtimes.y.args'");
  }

  @Test
  void syntaxErrorIsReported() {
    assertThatThrownBy(() -> load("socket_path = "))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("not valid TOML");
  }

  @Test
  void cniTableDefaultsAndOverrides() throws Exception {
    TesseraConfig d = load("");
    assertThat(d.cni().confDir()).isEqualTo(Path.of("/etc/cni/net.d"));
    assertThat(d.cni().binDirs()).containsExactly(Path.of("/opt/cni/bin"), Path.of("/usr/lib/cni"));
    assertThat(d.cni().pluginTimeout()).isEqualTo(Duration.ofSeconds(60));

    TesseraConfig c =
        load(
            """
            [cni]
            conf_dir = "/srv/cni/conf"
            bin_dirs = ["/srv/cni/bin"]
            plugin_timeout_seconds = 5
            """);
    assertThat(c.cni().confDir()).isEqualTo(Path.of("/srv/cni/conf"));
    assertThat(c.cni().binDirs()).containsExactly(Path.of("/srv/cni/bin"));
    assertThat(c.cni().pluginTimeout()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void badCniValuesNameTheirKey() {
    assertThatThrownBy(() -> load("[cni]\nconf_dir = \"rel/dir\"\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'cni.conf_dir'");
    assertThatThrownBy(() -> load("[cni]\nbin_dirs = []\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'cni.bin_dirs'");
    assertThatThrownBy(() -> load("[cni]\nplugin_timeout_seconds = 0\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'cni.plugin_timeout_seconds'");
    assertThatThrownBy(() -> load("[cni]\nnope = 1\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown key 'cni.nope'");
  }

  @Test
  void streamingTableDefaults() throws Exception {
    TesseraConfig.Streaming s = load("").streaming();
    assertThat(s).isEqualTo(TesseraConfig.Streaming.defaults());
    assertThat(s.address()).isEqualTo("127.0.0.1");
    assertThat(s.port()).isZero();
    assertThat(s.tls()).isEmpty();
    assertThat(s.tokenTtl()).isEqualTo(Duration.ofMinutes(1));
    assertThat(s.idleTimeout()).isEqualTo(Duration.ofHours(4));
    assertThat(s.streamCreationTimeout()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void streamingTableSetsEveryKey() throws Exception {
    TesseraConfig.Streaming s =
        load("""
                [streaming]
                address = "[::1]"
                port = 10010
                tls_cert = "/etc/tessera/stream.crt"
                tls_key = "/etc/tessera/stream.key"
                token_ttl = "90s"
                idle_timeout = "1h30m"
                stream_creation_timeout = "500ms"
                """)
            .streaming();
    assertThat(s.address()).isEqualTo("::1");
    assertThat(s.port()).isEqualTo(10010);
    assertThat(s.tls())
        .contains(
            new TesseraConfig.Streaming.Tls(
                Path.of("/etc/tessera/stream.crt"), Path.of("/etc/tessera/stream.key")));
    assertThat(s.tokenTtl()).isEqualTo(Duration.ofSeconds(90));
    assertThat(s.idleTimeout()).isEqualTo(Duration.ofMinutes(90));
    assertThat(s.streamCreationTimeout()).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void badStreamingValuesNameTheirKey() {
    assertThatThrownBy(() -> load("[streaming]\nport = 70000\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'streaming.port'");
    assertThatThrownBy(() -> load("[streaming]\naddress = \"\"\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'streaming.address'");
    assertThatThrownBy(() -> load("[streaming]\ntls_cert = \"/a.crt\"\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'streaming.tls_key'")
        .hasMessageContaining("together");
    assertThatThrownBy(() -> load("[streaming]\ntls_cert = \"a.crt\"\ntls_key = \"/a.key\"\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'streaming.tls_cert'");
    assertThatThrownBy(() -> load("[streaming]\ntoken_ttl = \"1 minute\"\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'streaming.token_ttl'");
    assertThatThrownBy(() -> load("[streaming]\nidle_timeout = \"0s\"\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'streaming.idle_timeout'")
        .hasMessageContaining("positive");
    assertThatThrownBy(() -> load("[streaming]\nnope = 1\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown key 'streaming.nope'");
  }

  @Test
  void durationsAreGoStyle() {
    assertThat(ConfigLoader.parseDuration("1m")).isEqualTo(Duration.ofMinutes(1));
    assertThat(ConfigLoader.parseDuration("4h")).isEqualTo(Duration.ofHours(4));
    assertThat(ConfigLoader.parseDuration("2h3m4s5ms"))
        .isEqualTo(Duration.ofHours(2).plusMinutes(3).plusSeconds(4).plusMillis(5));
    assertThatThrownBy(() -> ConfigLoader.parseDuration("5"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ConfigLoader.parseDuration("m"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ConfigLoader.parseDuration("1d"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
