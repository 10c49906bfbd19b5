package io.tessera.kernel.oci;

/** Told when conmon wrote a container's exit code. */
@FunctionalInterface
public interface ExitListener {
  /**
   * Called once per exit file, on the watcher's thread (for files already there at start, on the
   * thread calling {@link ExitWatcher#start}); must not block for long. An exception it throws is
   * logged and does not stop the watcher.
   */
  void exited(String containerId, int exitCode);
}
