package io.tessera.storage.layer;

import io.tessera.kernel.errors.ResourceExhaustedException;
import io.tessera.storage.ref.Digest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Hashes and counts what passes through, and fails as soon as more than a limit has passed, so a
 * decompression bomb is stopped after at most {@code limit} bytes were inflated.
 */
final class MeteredInputStream extends FilterInputStream {

  private final MessageDigest sha256;
  private final long limit;
  private long count;

  MeteredInputStream(InputStream in, long limit) {
    super(in);
    this.limit = limit;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n > 0) {
      count += n;
      if (count > limit) {
        throw new ResourceExhaustedException(
            "layer exceeds the limit of " + limit + " uncompressed bytes");
      }
      sha256.update(b, off, n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] buf = new byte[(int) Math.min(8192, Math.max(n, 1))];
    long skipped = 0;
    while (skipped < n) {
      int got = read(buf, 0, (int) Math.min(buf.length, n - skipped));
      if (got < 0) {
        break;
      }
      skipped += got;
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  /** Reads to the end of input: the DiffID covers everything after the tar trailer too. */
  void drain() throws IOException {
    byte[] buf = new byte[64 * 1024];
    while (read(buf, 0, buf.length) >= 0) {
      // counted and hashed by read
    }
  }

  long count() {
    return count;
  }

  Digest digest() {
    return Digest.fromMessageDigest(Digest.SHA256, sha256.digest());
  }
}
