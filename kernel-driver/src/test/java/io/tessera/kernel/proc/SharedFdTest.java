package io.tessera.kernel.proc;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.kernel.jna.LibcIo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SharedFdTest {
  private static boolean open(int fd) {
    return Files.exists(Path.of("/proc/self/fd/" + fd));
  }

  @Test
  void closeWhileACallIsInFlightReleasesTheFdsOnlyWhenItExits() {
    int[] pipe = LibcIo.pipe();
    SharedFd shared = new SharedFd(pipe);
    AtomicInteger wakeUps = new AtomicInteger();

    assertThat(shared.enter()).isTrue();
    shared.close(wakeUps::incrementAndGet);

    assertThat(shared.isClosed()).isTrue();
    assertThat(wakeUps).hasValue(1);
    assertThat(open(pipe[0]) && open(pipe[1])).as("fds open under the call in flight").isTrue();
    assertThat(shared.enter()).as("a new call once closed").isFalse();
    shared.exit();
    assertThat(open(pipe[0]) || open(pipe[1])).as("fds open after the last exit").isFalse();
  }

  @Test
  void closeWhenIdleReleasesAtOnceAndASecondCloseDoesNothing() {
    int[] pipe = LibcIo.pipe();
    SharedFd shared = new SharedFd(pipe);
    AtomicInteger wakeUps = new AtomicInteger();

    shared.close(wakeUps::incrementAndGet);
    shared.close(wakeUps::incrementAndGet);

    assertThat(wakeUps).hasValue(1);
    assertThat(open(pipe[0]) || open(pipe[1])).isFalse();
    assertThat(shared.fd()).isEqualTo(pipe[0]);
  }
}
