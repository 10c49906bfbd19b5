package io.tessera.kernel.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExitWatcherTest {

  @TempDir Path dir;

  /** Writes an exit file the way conmon does (glib's g_file_set_contents): temp, then rename. */
  private void writeLikeConmon(String id, String code) throws Exception {
    Path tmp = dir.resolve(id + ".Ab12Cd");
    Files.writeString(tmp, code);
    Files.move(tmp, dir.resolve(id), StandardCopyOption.ATOMIC_MOVE);
  }

  @Test
  void reportsEachExitOnceAndIgnoresTempFiles() throws Exception {
    Map<String, Integer> exits = new ConcurrentHashMap<>();
    List<String> calls = new CopyOnWriteArrayList<>();
    try (ExitWatcher watcher =
        ExitWatcher.start(
            dir,
            (id, code) -> {
              calls.add(id);
              exits.put(id, code);
            })) {
      writeLikeConmon("c1", "3");
      writeLikeConmon("c2", "137");
      await().atMost(Duration.ofSeconds(10)).until(() -> exits.size() == 2);
      assertThat(exits).containsEntry("c1", 3).containsEntry("c2", 137);
      assertThat(calls).containsExactlyInAnyOrder("c1", "c2");
      assertThat(ExitWatcher.readExitCode(dir, "c1")).hasValue(3);
      assertThat(ExitWatcher.readExitCode(dir, "nope")).isEmpty();
    }
  }

  @Test
  void reportsFilesPresentAtStartAndAgainAfterDeletion() throws Exception {
    writeLikeConmon("old", "0");
    Map<String, Integer> exits = new ConcurrentHashMap<>();
    List<String> calls = new CopyOnWriteArrayList<>();
    try (ExitWatcher watcher =
        ExitWatcher.start(
            dir,
            (id, code) -> {
              calls.add(id + "=" + code);
              exits.put(id, code);
            })) {
      assertThat(exits).containsEntry("old", 0);
      Files.delete(dir.resolve("old"));
      writeLikeConmon("marker", "1");
      await().atMost(Duration.ofSeconds(10)).until(() -> exits.containsKey("marker"));
      // The deletion was seen before the marker (one inotify queue): "old" may exit again.
      writeLikeConmon("old", "2");
      await().atMost(Duration.ofSeconds(10)).until(() -> calls.contains("old=2"));
      assertThat(calls).containsExactly("old=0", "marker=1", "old=2");
    }
  }

  @Test
  void aFailingListenerDoesNotStopTheWatcher() throws Exception {
    List<String> calls = new CopyOnWriteArrayList<>();
    try (ExitWatcher watcher =
        ExitWatcher.start(
            dir,
            (id, code) -> {
              calls.add(id);
              if (id.equals("bad")) {
                throw new IllegalStateException("listener bug");
              }
            })) {
      writeLikeConmon("bad", "1");
      writeLikeConmon("good", "0");
      await().atMost(Duration.ofSeconds(10)).until(() -> calls.contains("good"));
    }
  }
}
