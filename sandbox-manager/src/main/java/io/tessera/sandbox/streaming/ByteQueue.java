package io.tessera.sandbox.streaming;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;

/**
 * A bounded queue of byte chunks read as an {@link InputStream}: one thread offers chunks, another
 * reads them. {@link #offer} blocks while more than the limit is queued (back-pressure toward the
 * producer); {@link #finish} marks the end, after which a reader sees what is left, then end of
 * file. {@link #close()} (the reader's side) drops what is queued and makes {@link #offer} a no-op.
 *
 * <p>{@code java.io.PipedInputStream} is not used: it ties itself to the writing thread and reports
 * a broken pipe once that thread ends.
 */
final class ByteQueue extends InputStream {
  private final int limit;
  private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
  private int queued;
  private int headOffset;
  private boolean finished;
  private boolean closed;

  ByteQueue(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be positive: " + limit);
    }
    this.limit = limit;
  }

  /**
   * Queues {@code data}; waits while the queue is over its limit.
   *
   * @return false when the reader closed the queue (the data is dropped)
   */
  synchronized boolean offer(byte[] data) throws InterruptedException {
    while (!closed && !finished && queued >= limit) {
      wait();
    }
    if (closed || finished) {
      return false;
    }
    if (data.length > 0) {
      chunks.add(data);
      queued += data.length;
      notifyAll();
    }
    return true;
  }

  /** No more data will come; the reader gets end of file after what is queued. Idempotent. */
  synchronized void finish() {
    finished = true;
    notifyAll();
  }

  @Override
  public synchronized int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public synchronized int read(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    while (chunks.isEmpty() && !finished && !closed) {
      try {
        wait();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for output");
      }
    }
    if (closed) {
      throw new IOException("stream closed");
    }
    int n = 0;
    while (n < len && !chunks.isEmpty()) {
      byte[] head = chunks.peek();
      int take = Math.min(len - n, head.length - headOffset);
      System.arraycopy(head, headOffset, b, off + n, take);
      n += take;
      headOffset += take;
      if (headOffset == head.length) {
        chunks.remove();
        headOffset = 0;
      }
    }
    if (n == 0) {
      return -1;
    }
    queued -= n;
    notifyAll();
    return n;
  }

  @Override
  public synchronized int available() {
    return queued;
  }

  @Override
  public synchronized void close() {
    closed = true;
    chunks.clear();
    queued = 0;
    notifyAll();
  }
}
