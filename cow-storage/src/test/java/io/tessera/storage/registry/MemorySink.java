package io.tessera.storage.registry;

import io.tessera.storage.ref.Digest;
import java.io.ByteArrayOutputStream;

/** A {@link BlobSink} in memory, for tests of the client. */
final class MemorySink implements BlobSink {
  private final String algorithm;
  private ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  int restarts;

  MemorySink(Digest expected) {
    this.algorithm = expected.algorithm();
  }

  @Override
  public long position() {
    return bytes.size();
  }

  @Override
  public void write(byte[] buffer, int offset, int len) {
    bytes.write(buffer, offset, len);
  }

  @Override
  public void restart() {
    bytes = new ByteArrayOutputStream();
    restarts++;
  }

  @Override
  public Digest digest() {
    Digest probe =
        new Digest(algorithm, algorithm.equals(Digest.SHA256) ? "0".repeat(64) : "0".repeat(128));
    return probe.recompute(bytes.toByteArray());
  }

  byte[] content() {
    return bytes.toByteArray();
  }
}
