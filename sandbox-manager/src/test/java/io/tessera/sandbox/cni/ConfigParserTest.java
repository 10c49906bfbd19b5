package io.tessera.sandbox.cni;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConfigParserTest {
  static final String GOOD_LIST =
      """
      {
        "cniVersion": "1.0.0",
        "name": "mynet",
        "plugins": [
          {"type": "bridge", "bridge": "cni0", "capabilities": {"ipRanges": true},
           "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.22.0.0/16"}]]}},
          {"type": "portmap", "capabilities": {"portMappings": true, "bandwidth": false}},
          {"type": "bandwidth", "capabilities": {"bandwidth": true}}
        ]
      }
      """;

  @Test
  void parsesAConfList() throws Exception {
    NetworkConfigList l = ConfigParser.parseList(GOOD_LIST.getBytes(UTF_8), Path.of("/x.conflist"));

    assertThat(l.name()).isEqualTo("mynet");
    assertThat(l.cniVersion()).isEqualTo("1.0.0");
    assertThat(l.disableCheck()).isFalse();
    assertThat(l.plugins())
        .extracting(NetworkConfigList.Plugin::type)
        .containsExactly("bridge", "portmap", "bandwidth");
    assertThat(l.plugins().get(0).capabilities()).containsExactly("ipRanges");
    // A capability set to false is not declared.
    assertThat(l.plugins().get(1).capabilities()).containsExactly("portMappings");
    assertThat(l.source()).isEqualTo(Path.of("/x.conflist"));
  }

  @Test
  void wrapsASinglePluginConf() throws Exception {
    String conf =
        """
        {"cniVersion": "0.4.0", "name": "single", "type": "bridge", "bridge": "br9",
         "ipam": {"type": "host-local", "subnet": "10.9.0.0/24"}}
        """;
    NetworkConfigList l = ConfigParser.parseSingle(conf.getBytes(UTF_8), Path.of("/a.conf"));

    assertThat(l.name()).isEqualTo("single");
    assertThat(l.cniVersion()).isEqualTo("0.4.0");
    assertThat(l.plugins()).hasSize(1);
    assertThat(l.plugins().get(0).type()).isEqualTo("bridge");
    assertThat(l.raw().path("plugins").get(0).path("bridge").asText()).isEqualTo("br9");
    // The wrapped list is a valid list in its own right (it is what the result cache stores).
    assertThat(ConfigParser.fromRaw(l.raw()).plugins().get(0).type()).isEqualTo("bridge");
  }

  @Test
  void acceptsTheSupportedVersions() throws Exception {
    for (String v : new String[] {"0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"}) {
      String c = GOOD_LIST.replace("\"1.0.0\"", "\"" + v + "\"");
      assertThat(ConfigParser.parseList(c.getBytes(UTF_8), null).cniVersion()).isEqualTo(v);
    }
  }

  @Test
  void refusesAnUnsupportedVersion() {
    String c = GOOD_LIST.replace("\"1.0.0\"", "\"0.2.0\"");
    assertThatThrownBy(() -> ConfigParser.parseList(c.getBytes(UTF_8), null))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("cniVersion 0.2.0 is not supported");
  }

  @Test
  void refusesAMissingVersion() {
    String c = GOOD_LIST.replace("\"cniVersion\": \"1.0.0\",", "");
    assertThatThrownBy(() -> ConfigParser.parseList(c.getBytes(UTF_8), null))
        .hasMessageContaining("\"cniVersion\" is missing");
  }

  @Test
  void refusesAPluginWithoutType() {
    String c = GOOD_LIST.replace("{\"type\": \"portmap\", ", "{");
    assertThatThrownBy(() -> ConfigParser.parseList(c.getBytes(UTF_8), null))
        .hasMessageContaining("plugins[1] has no \"type\"");
  }

  @Test
  void refusesATypeThatIsAPath() {
    String c = GOOD_LIST.replace("\"type\": \"portmap\"", "\"type\": \"../../bin/sh\"");
    assertThatThrownBy(() -> ConfigParser.parseList(c.getBytes(UTF_8), null))
        .hasMessageContaining("invalid type");
  }

  @Test
  void refusesBadNamesAndShapes() {
    assertThatThrownBy(
            () ->
                ConfigParser.parseList(GOOD_LIST.replace("mynet", "my net").getBytes(UTF_8), null))
        .hasMessageContaining("name \"my net\"");
    assertThatThrownBy(
            () ->
                ConfigParser.parseList(
                    "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"plugins\":[]}".getBytes(UTF_8),
                    null))
        .hasMessageContaining("\"plugins\" is empty");
    assertThatThrownBy(() -> ConfigParser.parseList("{not json".getBytes(UTF_8), null))
        .hasMessageContaining("not valid JSON");
    assertThatThrownBy(
            () ->
                ConfigParser.parseList(
                    "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"bridge\"}".getBytes(UTF_8),
                    null))
        .hasMessageContaining("belongs in a .conf file");
    assertThatThrownBy(() -> ConfigParser.parseSingle(GOOD_LIST.getBytes(UTF_8), null))
        .hasMessageContaining("belongs in a .conflist file");
  }

  @Test
  void readsDisableCheckInBothForms() throws Exception {
    String b =
        GOOD_LIST.replace("\"name\": \"mynet\",", "\"name\": \"mynet\", \"disableCheck\": true,");
    String s =
        GOOD_LIST.replace(
            "\"name\": \"mynet\",", "\"name\": \"mynet\", \"disableCheck\": \"true\",");
    assertThat(ConfigParser.parseList(b.getBytes(UTF_8), null).disableCheck()).isTrue();
    assertThat(ConfigParser.parseList(s.getBytes(UTF_8), null).disableCheck()).isTrue();
  }

  @Test
  void pluginInputInjectsNameVersionPrevResultAndRuntimeConfig() throws Exception {
    NetworkConfigList l = ConfigParser.parseList(GOOD_LIST.getBytes(UTF_8), null);
    ObjectNode prev = ConfigParser.JSON.createObjectNode().put("cniVersion", "1.0.0");
    ObjectNode rc = ConfigParser.JSON.createObjectNode();
    rc.putArray("portMappings").addObject().put("hostPort", 80);

    ObjectNode in = ConfigParser.pluginInput(l, l.plugins().get(1), prev, rc);

    assertThat(in.path("name").asText()).isEqualTo("mynet");
    assertThat(in.path("cniVersion").asText()).isEqualTo("1.0.0");
    assertThat(in.path("type").asText()).isEqualTo("portmap");
    assertThat(in.path("prevResult")).isEqualTo(prev);
    assertThat(in.path("runtimeConfig").path("portMappings").get(0).path("hostPort").asInt())
        .isEqualTo(80);
    // The stored plugin config is not modified.
    assertThat(l.plugins().get(1).raw().has("name")).isFalse();

    ObjectNode bare =
        ConfigParser.pluginInput(l, l.plugins().get(2), null, ConfigParser.JSON.createObjectNode());
    assertThat(bare.has("prevResult")).isFalse();
    assertThat(bare.has("runtimeConfig")).isFalse();
  }
}
