package io.tessera.sandbox.cni;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultCacheTest {
  @TempDir Path tmp;

  ResultCache.Entry entry(String net, String id) throws Exception {
    ObjectNode config =
        (ObjectNode) ConfigParser.JSON.readTree(ConfigParserTest.GOOD_LIST.replace("mynet", net));
    ObjectNode caps = ConfigParser.JSON.createObjectNode();
    caps.putArray("portMappings").addObject().put("hostPort", 80);
    return new ResultCache.Entry(
        net,
        id,
        "eth0",
        config,
        caps,
        "IgnoreUnknown=1",
        ConfigParser.JSON.readTree(ResultParserTest.RESULT_1_0));
  }

  @Test
  void roundTripsAndDeletes() throws Exception {
    ResultCache c = new ResultCache(tmp.resolve("results"));
    ResultCache.Entry e = entry("net-a", "abc");

    c.save(e);

    assertThat(tmp.resolve("results/net-a-abc-eth0")).exists();
    assertThat(c.find("abc", "eth0")).containsExactly(e);
    assertThat(c.find("bc", "eth0")).isEmpty();
    assertThat(c.find("abc", "eth1")).isEmpty();

    c.delete("net-a", "abc", "eth0");
    assertThat(c.find("abc", "eth0")).isEmpty();
    c.delete("net-a", "abc", "eth0");
  }

  @Test
  void findsEntriesOfAnyNetworkAndSkipsJunk() throws Exception {
    ResultCache c = new ResultCache(tmp);
    c.save(entry("old-net", "abc"));
    c.save(entry("new", "abc"));
    c.save(entry("new", "x-abc"));
    Files.writeString(tmp.resolve("junk-abc-eth0"), "{");
    Files.writeString(tmp.resolve("other-abc-eth0"), "{\"kind\":\"somethingElse\"}");

    assertThat(c.find("abc", "eth0"))
        .extracting(ResultCache.Entry::networkName)
        .containsExactlyInAnyOrder("old-net", "new");
  }

  @Test
  void missingDirIsEmpty() {
    assertThat(new ResultCache(tmp.resolve("nope")).find("abc", "eth0")).isEmpty();
  }
}
