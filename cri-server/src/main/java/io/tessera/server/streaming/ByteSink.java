package io.tessera.server.streaming;

import java.io.IOException;

/**
 * Where one output of a session goes: a SPDY stream or a WebSocket channel towards the client.
 *
 * <p>{@link #write} blocks while the transport cannot take more (socket buffer full, the peer's
 * flow-control window closed): that is how a slow client slows the process down. It fails with an
 * IOException once the connection or stream is gone. {@link #close} ends this output (a SPDY FIN)
 * and is idempotent. Used by one thread at a time.
 */
interface ByteSink {
  void write(byte[] data, int off, int len) throws IOException;

  void close();

  /** A channel nobody asked for: writes vanish. */
  ByteSink DISCARD =
      new ByteSink() {
        @Override
        public void write(byte[] data, int off, int len) {}

        @Override
        public void close() {}
      };
}
