package io.tessera.kernel.oci;

import io.tessera.kernel.errors.InternalException;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashSet;
import java.util.OptionalInt;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches conmon's exit directory and reports each {@code <id>} file that appears.
 *
 * <p>Uses the JDK's WatchService, inotify on Linux: no polling. conmon writes an exit file to a
 * temporary {@code <id>.XXXXXX} and renames it into place, so a name with a dot is never a
 * container (ids have none) and a reported file is complete. Files already present when the watcher
 * starts are reported too (exits that happened while the daemon was down). An id is reported once
 * until its file is deleted. Thread-safe; {@link #close()} stops the thread.
 */
public final class ExitWatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ExitWatcher.class);

  private final Path dir;
  private final ExitListener listener;
  private final WatchService watchService;
  private final Thread thread;
  private final Set<String> reported = new HashSet<>();

  private ExitWatcher(Path dir, ExitListener listener) throws IOException {
    this.dir = dir;
    this.listener = listener;
    this.watchService = dir.getFileSystem().newWatchService();
    dir.register(
        watchService, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE);
    this.thread = new Thread(this::run, "exit-watcher " + dir.getFileName());
    this.thread.setDaemon(true);
  }

  /**
   * Starts watching {@code exitDir} (created if missing).
   *
   * @throws InternalException the directory or the watch could not be set up
   */
  public static ExitWatcher start(Path exitDir, ExitListener listener) {
    try {
      Files.createDirectories(exitDir);
      ExitWatcher watcher = new ExitWatcher(exitDir, listener);
      // Registered before scanning: an exit between the two is seen by both and reported once.
      watcher.scan();
      watcher.thread.start();
      return watcher;
    } catch (IOException e) {
      throw new InternalException("watch exit directory " + exitDir, e);
    }
  }

  /** The exit code in {@code exitDir/<id>}, if conmon wrote it. */
  public static OptionalInt readExitCode(Path exitDir, String containerId) {
    Path file = exitDir.resolve(ContainerIds.validate(containerId));
    try {
      String text = Files.readString(file).trim();
      return text.isEmpty() ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(text));
    } catch (NoSuchFileException e) {
      return OptionalInt.empty();
    } catch (IOException | NumberFormatException e) {
      throw new InternalException("read exit file " + file, e);
    }
  }

  private void run() {
    try {
      while (true) {
        WatchKey key = watchService.take();
        for (WatchEvent<?> event : key.pollEvents()) {
          if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
            scan();
          } else {
            String name = event.context().toString();
            if (event.kind() == StandardWatchEventKinds.ENTRY_DELETE) {
              forget(name);
            } else {
              consider(name);
            }
          }
        }
        if (!key.reset()) {
          LOG.warn("exit directory {} is gone; exit watcher stops", dir);
          return;
        }
      }
    } catch (ClosedWatchServiceException e) {
      // close() was called.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void scan() {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        consider(file.getFileName().toString());
      }
    } catch (IOException e) {
      LOG.warn("cannot list exit directory {}: {}", dir, e.toString());
    }
  }

  private synchronized void forget(String name) {
    reported.remove(name);
  }

  private void consider(String name) {
    if (!ContainerIds.isValid(name)) {
      return;
    }
    OptionalInt code;
    try {
      code = readExitCode(dir, name);
    } catch (RuntimeException e) {
      LOG.warn("unreadable exit file {}/{}: {}", dir, name, e.toString());
      return;
    }
    if (code.isEmpty()) {
      return;
    }
    synchronized (this) {
      if (!reported.add(name)) {
        return;
      }
    }
    try {
      listener.exited(name, code.getAsInt());
    } catch (RuntimeException e) {
      LOG.warn("exit listener failed for {}: {}", name, e.toString(), e);
    }
  }

  @Override
  public void close() {
    try {
      watchService.close();
    } catch (IOException e) {
      LOG.debug("closing watch service of {}: {}", dir, e.toString());
    }
    if (Thread.currentThread() != thread) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
