package io.tessera.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The kernel's view of a process's threads (their comm names, which the JVM sets). */
final class DaemonThreads {
  private DaemonThreads() {}

  /** The names of the threads of {@code pid} now, from /proc/PID/task/TID/comm. */
  static List<String> names(long pid) throws IOException {
    List<String> names = new ArrayList<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path t : (Iterable<Path>) tasks::iterator) {
        try {
          names.add(Files.readString(t.resolve("comm")).trim());
        } catch (NoSuchFileException e) {
          // the thread ended meanwhile
        }
      }
    }
    return names;
  }
}
