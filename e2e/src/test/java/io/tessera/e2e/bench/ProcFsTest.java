package io.tessera.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProcFsTest {
  @Test
  void statWithSpacesAndParenthesesInComm() {
    ProcFs.ProcessInfo p =
        ProcFs.fromStat(
            42, "42 (a b) c)) S 7 42 42 0 -1 4194304 100 0 0 0", java.util.List.of("x"));
    assertThat(p.comm()).isEqualTo("a b) c)");
    assertThat(p.ppid()).isEqualTo(7);
  }

  @Test
  void cmdlineSplitsOnNulAndDropsTheLastOne() {
    assertThat(ProcFs.parseCmdline("sleep\u000086400\u0000".getBytes(StandardCharsets.UTF_8)))
        .containsExactly("sleep", "86400");
    assertThat(ProcFs.parseCmdline(new byte[0])).isEmpty();
    assertThat(ProcFs.parseCmdline("a\0\0b\0".getBytes(StandardCharsets.UTF_8)))
        .containsExactly("a", "", "b");
  }

  @Test
  void smapsRollupRssAndPssInBytes() {
    String text =
        "565515ba5000-7ffd01fce000 ---p 00000000 00:00 0                          [rollup]\n"
            + "Rss:                1756 kB\n"
            + "Pss:                 355 kB\n"
            + "Pss_Dirty:           112 kB\n"
            + "Shared_Clean:       1592 kB\n";
    ProcFs.Memory m = ProcFs.parseSmapsRollup(text);
    assertThat(m.rss()).isEqualTo(1756 * 1024L);
    assertThat(m.pss()).isEqualTo(355 * 1024L);
  }

  @Test
  void missingLineIsAnError() {
    assertThatThrownBy(() -> ProcFs.parseKbLine("Rss: 1 kB\n", "Pss:"))
        .hasMessageContaining("no Pss:");
  }
}
