package io.tessera.storage.content;

import io.tessera.storage.ref.Digest;
import io.tessera.storage.registry.BlobSink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/** An ingest temp file that hashes what is written to it. Not thread-safe; closed by the store. */
final class IngestSink implements BlobSink, AutoCloseable {
  private final Path file;
  private final String algorithm;
  private final MessageDigest hash;
  private final FileChannel channel;
  private long position;

  IngestSink(Path file, Digest expected) throws IOException {
    this.file = file;
    this.algorithm = expected.algorithm();
    this.hash = expected.newMessageDigest();
    this.channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ);
  }

  Path file() {
    return file;
  }

  @Override
  public long position() {
    return position;
  }

  @Override
  public void write(byte[] buffer, int offset, int len) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(buffer, offset, len);
    while (b.hasRemaining()) {
      channel.write(b);
    }
    hash.update(buffer, offset, len);
    position += len;
  }

  @Override
  public void restart() throws IOException {
    channel.truncate(0);
    channel.position(0);
    hash.reset();
    position = 0;
  }

  @Override
  public Digest digest() {
    try {
      // Clone so that the running hash can go on after a peek.
      return Digest.fromMessageDigest(algorithm, ((MessageDigest) hash.clone()).digest());
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("JDK MessageDigest not cloneable", e);
    }
  }

  /** Flushes the data to the device, so that a rename after a crash never shows a short blob. */
  void sync() throws IOException {
    channel.force(true);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
