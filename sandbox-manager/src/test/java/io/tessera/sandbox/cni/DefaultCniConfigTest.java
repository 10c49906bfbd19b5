package io.tessera.sandbox.cni;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.tessera.kernel.errors.FailedPreconditionException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefaultCniConfigTest {
  @TempDir Path tmp;

  @Test
  void rendersAValidBridgeList() throws Exception {
    String json = DefaultCniConfig.render(DefaultCniConfig.Options.defaults(), "10.88.0.0/16");
    NetworkConfigList l = ConfigParser.parseList(json.getBytes(UTF_8), null);

    assertThat(l.name()).isEqualTo("tessera");
    assertThat(l.cniVersion()).isEqualTo("1.0.0");
    assertThat(l.plugins())
        .extracting(NetworkConfigList.Plugin::type)
        .containsExactly("bridge", "portmap", "bandwidth");
    JsonNode bridge = l.plugins().get(0).raw();
    assertThat(bridge.path("bridge").asText()).isEqualTo("tessera0");
    assertThat(bridge.path("isGateway").asBoolean()).isTrue();
    assertThat(bridge.path("ipMasq").asBoolean()).isTrue();
    assertThat(bridge.path("hairpinMode").asBoolean()).isTrue();
    assertThat(bridge.path("ipam").path("type").asText()).isEqualTo("host-local");
    assertThat(bridge.path("ipam").path("ranges").get(0).get(0).path("subnet").asText())
        .isEqualTo("10.88.0.0/16");
    assertThat(bridge.path("ipam").has("dataDir")).isFalse();
    assertThat(l.plugins().get(0).capabilities()).isEmpty();
    assertThat(l.plugins().get(1).capabilities()).containsExactly("portMappings");
    assertThat(l.plugins().get(1).raw().path("snat").asBoolean()).isTrue();
    assertThat(l.plugins().get(2).capabilities()).containsExactly("bandwidth");
  }

  @Test
  void writesOnlyIntoAnEmptyDir() throws Exception {
    Path conf = tmp.resolve("net.d");
    DefaultCniConfig.Options o =
        new DefaultCniConfig.Options(
            "tessera", "tessera0", DefaultCniConfig.DEFAULT_SUBNET_CANDIDATES, tmp.resolve("ipam"));

    Path written = DefaultCniConfig.writeIfEmpty(conf, o).orElseThrow();

    assertThat(written).isEqualTo(conf.resolve("10-tessera.conflist"));
    NetworkConfigList l = ConfigParser.parseList(Files.readAllBytes(written), written);
    assertThat(l.plugins().get(0).raw().path("ipam").path("dataDir").asText())
        .isEqualTo(tmp.resolve("ipam").toString());
    // No temp file is left beside it.
    try (var files = Files.list(conf)) {
      assertThat(files).containsExactly(written);
    }
    assertThat(DefaultCniConfig.writeIfEmpty(conf, o)).isEmpty();
  }

  @Test
  void leavesAnExistingConfigAlone() throws Exception {
    Path conf = Files.createDirectories(tmp.resolve("net.d"));
    Files.writeString(conf.resolve("99-other.conf"), "not even valid");
    assertThat(DefaultCniConfig.writeIfEmpty(conf, DefaultCniConfig.Options.defaults())).isEmpty();
    assertThat(conf.resolve("10-tessera.conflist")).doesNotExist();
  }

  @Test
  void failsWhenNoCandidateIsFree() {
    // 0.0.0.0/0 is never free while the host has any address: the loopback's 127/8 overlaps it.
    DefaultCniConfig.Options o =
        new DefaultCniConfig.Options("tessera", "tessera0", List.of("0.0.0.0/0"), null);
    assertThatThrownBy(() -> DefaultCniConfig.writeIfEmpty(tmp.resolve("net.d"), o))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining("overlaps a host route or address");
  }
}
