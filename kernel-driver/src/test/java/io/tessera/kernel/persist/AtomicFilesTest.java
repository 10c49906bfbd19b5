package io.tessera.kernel.persist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path dir;

  @Test
  void writesAndReplacesLeavingNoTempFiles() throws Exception {
    Path f = dir.resolve("state.json");
    AtomicFiles.write(f, "one".getBytes(StandardCharsets.UTF_8));
    AtomicFiles.write(f, "two".getBytes(StandardCharsets.UTF_8));
    assertThat(f).hasContent("two");
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s).containsExactly(f);
    }
  }

  @Test
  void recognisesItsTempFiles() {
    assertThat(AtomicFiles.isTempFile(Path.of("/x/.state.json.tmp-1234"))).isTrue();
    assertThat(AtomicFiles.isTempFile(Path.of("/x/state.json"))).isFalse();
  }
}
