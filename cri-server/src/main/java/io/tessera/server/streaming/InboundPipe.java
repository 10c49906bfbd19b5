package io.tessera.server.streaming;

import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.function.IntConsumer;

/**
 * Bytes a client sent on one stream or channel, handed from the event loop to a blocking reader.
 *
 * <p>The event loop {@link #offer}s chunks and never blocks; one pump thread reads. After each read
 * {@code onConsumed} is called (on the reader's thread) with the byte count, so that the transport
 * can open its flow-control window again or resume reading the socket: that is the backpressure.
 * {@link #finish} is end-of-file after the buffered bytes; {@link #abort} (or {@link #close}) drops
 * them and ends reads at once.
 */
final class InboundPipe extends InputStream {
  private final IntConsumer onConsumed;
  private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
  private byte[] head;
  private int headPos;
  private long buffered;
  private boolean finished;
  private boolean aborted;

  InboundPipe(IntConsumer onConsumed) {
    this.onConsumed = onConsumed;
  }

  /** Adds a chunk (the pipe keeps the array); ignored after finish or abort. */
  synchronized void offer(byte[] chunk) {
    if (finished || aborted || chunk.length == 0) {
      return;
    }
    chunks.addLast(chunk);
    buffered += chunk.length;
    notifyAll();
  }

  synchronized void finish() {
    finished = true;
    notifyAll();
  }

  synchronized void abort() {
    aborted = true;
    chunks.clear();
    head = null;
    buffered = 0;
    notifyAll();
  }

  synchronized long buffered() {
    return buffered;
  }

  synchronized boolean isFinished() {
    return finished || aborted;
  }

  @Override
  public int read() throws InterruptedIOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws InterruptedIOException {
    if (len == 0) {
      return 0;
    }
    int n;
    synchronized (this) {
      while (!aborted && head == null && chunks.isEmpty() && !finished) {
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted waiting for client data");
        }
      }
      if (aborted) {
        return -1;
      }
      if (head == null) {
        head = chunks.pollFirst();
        headPos = 0;
        if (head == null) {
          return -1;
        }
      }
      n = Math.min(len, head.length - headPos);
      System.arraycopy(head, headPos, b, off, n);
      headPos += n;
      if (headPos == head.length) {
        head = null;
      }
      buffered -= n;
    }
    onConsumed.accept(n);
    return n;
  }

  @Override
  public synchronized int available() {
    return (int) Math.min(Integer.MAX_VALUE, buffered);
  }

  @Override
  public void close() {
    abort();
  }
}
