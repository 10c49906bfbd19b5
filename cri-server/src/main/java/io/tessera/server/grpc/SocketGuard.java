package io.tessera.server.grpc;

import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.InternalException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a socket path ready to bind: creates the parent directory, refuses a path where a live
 * server answers (never two daemons on one socket), and removes a stale socket left by a dead one.
 */
final class SocketGuard {
  private static final Logger LOG = LoggerFactory.getLogger(SocketGuard.class);

  private SocketGuard() {}

  static void prepare(Path socket) {
    Path parent = socket.getParent();
    try {
      if (parent != null && !Files.isDirectory(parent)) {
        Files.createDirectories(
            parent,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
      }
    } catch (IOException e) {
      throw new InternalException("create socket directory " + parent + ": " + e.getMessage(), e);
    }
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return; // nothing there
    }
    if (!attrs.isOther()) {
      throw new FailedPreconditionException(
          "socket path " + socket + " exists and is not a socket; refusing to replace it");
    }
    if (answers(socket)) {
      throw new FailedPreconditionException(
          "another server is listening on " + socket + "; refusing to start a second daemon");
    }
    try {
      Files.deleteIfExists(socket);
      LOG.info("removed stale socket {} left by a daemon that is gone", socket);
    } catch (IOException e) {
      throw new InternalException("remove stale socket " + socket + ": " + e.getMessage(), e);
    }
  }

  /** Whether something accepts connections on the socket right now. */
  static boolean answers(Path socket) {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      return true;
    } catch (ConnectException e) {
      return false; // ECONNREFUSED: a socket file with no listener
    } catch (IOException e) {
      return false;
    }
  }
}
