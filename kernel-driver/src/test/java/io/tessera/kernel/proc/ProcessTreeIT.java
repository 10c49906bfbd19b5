package io.tessera.kernel.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProcessTreeIT {

  @Test
  void killsTheRootAndEveryDescendantIncludingGrandchildren() throws Exception {
    // root sh -> sleep, and root sh -> subshell -> sleep: two levels below the root.
    Process root =
        new ProcessBuilder("/bin/sh", "-c", "/bin/sleep 1000 & (/bin/sleep 1000 & wait) & wait")
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    List<ProcessHandle> tree = List.of();
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> root.descendants().count() >= 3);
      tree = root.descendants().toList();
      Set<Long> killed = ProcessTree.kill(root.pid());
      assertThat(killed).contains(root.pid());
      assertThat(killed).containsAll(tree.stream().map(ProcessHandle::pid).toList());
      assertThat(root.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(root.exitValue()).isEqualTo(137);
      List<ProcessHandle> orphans = tree;
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> orphans.stream().noneMatch(ProcessHandle::isAlive));
    } finally {
      root.destroyForcibly();
      tree.forEach(ProcessHandle::destroyForcibly);
    }
  }

  @Test
  void aProcessThatIsGoneIsFine() throws Exception {
    Process p = new ProcessBuilder("/bin/true").start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(ProcessTree.kill(p.pid())).isEmpty();
  }
}
