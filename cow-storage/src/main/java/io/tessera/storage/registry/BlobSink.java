package io.tessera.storage.registry;

import io.tessera.storage.ref.Digest;
import java.io.IOException;

/**
 * Where {@link RegistryClient#fetchBlob} writes a blob's bytes, hashing them as they arrive.
 *
 * <p>The client appends, resumes an interrupted download from {@link #position()} with an HTTP
 * range request, and calls {@link #restart()} when the server cannot resume or served bad data. At
 * the end it compares {@link #digest()} with the expected digest. The sink's owner decides what
 * happens to the bytes afterwards (and should verify again if it does not trust the caller).
 * Implementations need not be thread-safe: one download writes to one sink.
 */
public interface BlobSink {

  /** Bytes written since creation or the last {@link #restart()}. */
  long position();

  /** Appends {@code len} bytes. */
  void write(byte[] buffer, int offset, int len) throws IOException;

  /** Discards everything written so far; {@link #position()} is 0 afterwards. */
  void restart() throws IOException;

  /** The digest, with the expected digest's algorithm, of the bytes written so far. */
  Digest digest();
}
