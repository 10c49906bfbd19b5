package io.tessera.sandbox.cni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CniConfigLoaderTest {
  @TempDir Path tmp;
  Path conf;
  Path bin1;
  Path bin2;

  @BeforeEach
  void dirs() throws IOException {
    conf = Files.createDirectories(tmp.resolve("net.d"));
    bin1 = Files.createDirectories(tmp.resolve("bin1"));
    bin2 = Files.createDirectories(tmp.resolve("bin2"));
  }

  /** Plugin lookup only checks for an executable file, so an empty one is enough here. */
  void plugin(Path dir, String name) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, new byte[0]);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  CniConfigLoader loader() {
    return new CniConfigLoader(conf, List.of(bin1, bin2));
  }

  @Test
  void readyWithAGoodConflistAndItsBinaries() throws IOException {
    Files.writeString(conf.resolve("10-a.conflist"), ConfigParserTest.GOOD_LIST);
    plugin(bin1, "bridge");
    plugin(bin2, "portmap");
    plugin(bin2, "bandwidth");
    CniConfigLoader l = loader();
    l.reload();

    NetworkStatus s = l.status();

    assertThat(s.ready()).as(s.message()).isTrue();
    assertThat(l.current()).get().extracting(NetworkConfigList::name).isEqualTo("mynet");
    assertThat(l.resolve("bridge")).contains(bin1.resolve("bridge"));
    assertThat(l.resolve("portmap")).contains(bin2.resolve("portmap"));
  }

  @Test
  void notReadyNamingTheMissingPlugin() throws IOException {
    Files.writeString(conf.resolve("10-a.conflist"), ConfigParserTest.GOOD_LIST);
    plugin(bin1, "bridge");
    plugin(bin1, "portmap");
    // A non-executable file does not count.
    Files.write(bin1.resolve("bandwidth"), new byte[0]);
    CniConfigLoader l = loader();
    l.reload();

    NetworkStatus s = l.status();

    assertThat(s.ready()).isFalse();
    assertThat(s.reason()).isEqualTo("NetworkPluginNotReady");
    assertThat(s.message()).contains("bandwidth").contains("not found").contains(bin1.toString());
    assertThat(s.message()).doesNotContain("portmap");

    plugin(bin2, "bandwidth");
    assertThat(l.status().ready()).isTrue();
  }

  @Test
  void notReadyWithoutConfigSayingWhy() throws IOException {
    CniConfigLoader l = loader();
    l.reload();
    assertThat(l.status().ready()).isFalse();
    assertThat(l.status().message()).contains("no network config found in " + conf);

    Files.writeString(
        conf.resolve("10-bad.conflist"), ConfigParserTest.GOOD_LIST.replace("1.0.0", "9.9.9"));
    Files.writeString(conf.resolve("20-bad.conf"), "{\"cniVersion\":\"1.0.0\",\"name\":\"x\"}");
    l.reload();
    assertThat(l.status().message())
        .contains("10-bad.conflist: cniVersion 9.9.9 is not supported")
        .contains("20-bad.conf: the plugin has no \"type\"");
  }

  @Test
  void picksTheFirstValidFileByName() throws IOException {
    Files.writeString(conf.resolve("05-broken.conflist"), "{");
    Files.writeString(
        conf.resolve("10-single.conf"),
        "{\"cniVersion\":\"0.4.0\",\"name\":\"single\",\"type\":\"bridge\"}");
    Files.writeString(conf.resolve("20-list.conflist"), ConfigParserTest.GOOD_LIST);
    Files.writeString(conf.resolve(".00-hidden.conflist"), ConfigParserTest.GOOD_LIST);
    Files.writeString(conf.resolve("00-ignored.txt"), ConfigParserTest.GOOD_LIST);
    CniConfigLoader l = loader();
    l.reload();

    assertThat(l.current()).get().extracting(NetworkConfigList::name).isEqualTo("single");
    assertThat(l.current().get().source()).isEqualTo(conf.resolve("10-single.conf"));
  }

  @Test
  void watcherReloadsOnChange() throws IOException {
    plugin(bin1, "bridge");
    plugin(bin1, "portmap");
    plugin(bin1, "bandwidth");
    Files.delete(conf);
    try (CniConfigLoader l = loader()) {
      l.start();
      // start() creates a missing conf dir so that it can be watched.
      assertThat(conf).isDirectory();
      assertThat(l.status().ready()).isFalse();

      Files.writeString(conf.resolve("10-a.conflist"), ConfigParserTest.GOOD_LIST);
      await().atMost(Duration.ofSeconds(10)).until(() -> l.status().ready());

      Files.writeString(
          conf.resolve("10-a.conflist"), ConfigParserTest.GOOD_LIST.replace("mynet", "renamed"));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> l.current().map(NetworkConfigList::name).orElse("").equals("renamed"));

      Files.delete(conf.resolve("10-a.conflist"));
      await().atMost(Duration.ofSeconds(10)).until(() -> !l.status().ready());
    }
  }
}
