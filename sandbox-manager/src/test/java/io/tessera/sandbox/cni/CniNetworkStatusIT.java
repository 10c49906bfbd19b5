package io.tessera.sandbox.cni;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CNI 1.1 STATUS verb, which no installed plugin speaks yet: a /bin/sh plugin stands in for a
 * 1.1 plugin whose STATUS fails, to show when {@link CniNetwork#status()} asks and what it reports.
 */
class CniNetworkStatusIT {
  @TempDir Path tmp;
  Path conf;
  Path bin;
  Path calls;

  @BeforeEach
  void plugins() throws IOException {
    conf = Files.createDirectories(tmp.resolve("net.d"));
    bin = Files.createDirectories(tmp.resolve("bin"));
    calls = tmp.resolve("calls");
    Path p = bin.resolve("sulky");
    Files.writeString(
        p,
        "#!/bin/sh\n"
            + "echo \"$CNI_COMMAND\" >> "
            + calls
            + "\n"
            + "cat > /dev/null\n"
            + "echo '{\"cniVersion\":\"1.1.0\",\"code\":50,\"msg\":\"upstream daemon down\"}'\n"
            + "exit 1\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.copy(Path.of("/usr/lib/cni/loopback"), bin.resolve("loopback"));
  }

  NetworkStatus statusWith(String version) throws IOException {
    Files.writeString(
        conf.resolve("10-s.conflist"),
        "{\"cniVersion\":\"" + version + "\",\"name\":\"s\",\"plugins\":[{\"type\":\"sulky\"}]}");
    try (CniNetwork n =
        CniNetwork.builder()
            .confDir(conf)
            .binDirs(List.of(bin))
            .cacheDir(tmp.resolve("cache"))
            .build()) {
      n.reloadConfig();
      return n.status();
    }
  }

  @Test
  void a11ConfigIsNotReadyWhenAPluginStatusFails() throws IOException {
    NetworkStatus s = statusWith("1.1.0");

    assertThat(s.ready()).isFalse();
    assertThat(s.reason()).isEqualTo("NetworkPluginNotReady");
    assertThat(s.message()).contains("plugin sulky STATUS").contains("upstream daemon down");
    assertThat(Files.readAllLines(calls)).containsExactly("STATUS");
  }

  @Test
  void olderConfigsAreNotAskedAndCountAsReady() throws IOException {
    NetworkStatus s = statusWith("1.0.0");

    assertThat(s.ready()).as(s.message()).isTrue();
    assertThat(calls).doesNotExist();
  }
}
