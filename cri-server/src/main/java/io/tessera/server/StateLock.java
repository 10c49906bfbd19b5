package io.tessera.server;

import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.InternalException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on {@code <state>/tessera.lock}, held for the daemon's lifetime, so that two
 * daemons never share one state directory. The kernel drops it when the process dies, so a crash
 * never leaves it stuck; the file itself is left in place on purpose (deleting a lock file races
 * with the next daemon opening it).
 */
final class StateLock implements AutoCloseable {
  static final String FILE_NAME = "tessera.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private StateLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  static StateLock acquire(Path stateDir) {
    Path file = stateDir.resolve(FILE_NAME);
    FileChannel ch;
    try {
      ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new InternalException("open " + file + ": " + e.getMessage(), e);
    }
    try {
      FileLock l = ch.tryLock();
      if (l == null) {
        ch.close();
        throw new FailedPreconditionException(
            "state directory "
                + stateDir
                + " is in use by another tessera daemon ("
                + file
                + " is locked)");
      }
      return new StateLock(ch, l);
    } catch (IOException e) {
      try {
        ch.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new InternalException("lock " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      // The process is going away; the kernel releases the lock with it.
    }
  }
}
