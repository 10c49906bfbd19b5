package io.tessera.server.streaming;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyGoAwayFrame;
import io.netty.handler.codec.spdy.DefaultSpdyRstStreamFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynReplyFrame;
import io.netty.handler.codec.spdy.DefaultSpdyWindowUpdateFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyGoAwayFrame;
import io.netty.handler.codec.spdy.SpdyHeadersFrame;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdySettingsFrame;
import io.netty.handler.codec.spdy.SpdyStreamStatus;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyWindowUpdateFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of a SPDY/3.1 connection after the HTTP upgrade, on top of Netty's frame codec:
 * accepts the client's streams (SYN_STREAM, answered by an empty SYN_REPLY), delivers their DATA to
 * {@link InboundPipe}s and sends data on them, answers PINGs, handles RST_STREAM and GOAWAY.
 *
 * <p>Flow control. Receiving: every stream and the session start with a 64 KiB window; a
 * WINDOW_UPDATE goes back for every chunk a reader has consumed, so a client that respects windows
 * never stalls while one that does not is still slowed by the pipes (autoRead off above {@link
 * #READ_PAUSE_BYTES} buffered). Sending: the client's stream and session windows are respected once
 * it has shown it keeps them (a WINDOW_UPDATE or an initial-window SETTINGS). Go's spdystream,
 * which kubectl and the kubelet use, speaks SPDY/3 framing, never sends WINDOW_UPDATE and ignores
 * windows: when a window runs out and no update ever came within {@link
 * #FLOW_CONTROL_GRACE_MILLIS}, the peer is taken to be such a client and data goes on, paced by TCP
 * alone.
 *
 * <p>Event-loop methods run on the channel's loop; {@link Stream#write} blocks the calling pump
 * thread and must never be called on the loop.
 */
final class SpdyConnection extends StreamConnectionHandler {
  private static final Logger LOG = LoggerFactory.getLogger(SpdyConnection.class);

  static final int INITIAL_WINDOW = 64 * 1024;
  static final long FLOW_CONTROL_GRACE_MILLIS = 1000;
  static final long CLOSE_GRACE_MILLIS = 1000;
  static final int MAX_DATA_FRAME = 16 * 1024;
  static final long READ_PAUSE_BYTES = 4L << 20;

  /** Receives the client's streams; called on the event loop. */
  interface Listener {
    void onStream(Stream stream);
  }

  private final Map<Integer, Stream> streams = new ConcurrentHashMap<>();
  private Listener listener;
  private volatile Channel channel;
  private int lastGoodStreamId;
  private volatile boolean goingAway;
  private volatile boolean closing;

  // Guarded by lock (StreamConnectionHandler's, with open).
  private int sessionSendWindow = INITIAL_WINDOW;
  private int initialSendWindow = INITIAL_WINDOW;
  private boolean peerKeepsWindows;
  private boolean peerIgnoresWindows;

  SpdyConnection() {
    super(LOG, "SPDY");
  }

  void setListener(Listener listener) {
    this.listener = listener;
  }

  Channel channel() {
    return channel;
  }

  /**
   * Ends the connection: GOAWAY, then the TCP close once the client closes or after a short grace,
   * so that a client still reading what was sent gets it all. Idempotent, any thread.
   */
  void close() {
    Channel ch = channel;
    if (ch == null || closing) {
      return;
    }
    closing = true;
    // Our half of every stream ends too (clients such as Netty's session handler wait for each
    // stream to close before closing theirs); FINs queue behind data already being written.
    for (Stream s : streams.values()) {
      s.finishOutput();
    }
    ch.eventLoop()
        .execute(
            () -> {
              ch.writeAndFlush(new DefaultSpdyGoAwayFrame(lastGoodStreamId));
              ch.eventLoop().schedule(() -> ch.close(), CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
            });
  }

  /** Closes at once, without ceremony. */
  void abort() {
    Channel ch = channel;
    if (ch != null) {
      ch.close();
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof SpdySynStreamFrame f) {
        onSynStream(ctx, f);
      } else if (msg instanceof SpdyDataFrame f) {
        onData(ctx, f);
      } else if (msg instanceof SpdyRstStreamFrame f) {
        Stream s = streams.remove(f.streamId());
        if (s != null) {
          s.resetByPeer();
        }
      } else if (msg instanceof SpdyWindowUpdateFrame f) {
        onWindowUpdate(f.streamId(), f.deltaWindowSize());
      } else if (msg instanceof SpdySettingsFrame f) {
        onSettings(f);
      } else if (msg instanceof SpdyPingFrame f) {
        // Client pings have odd ids; an even id would answer a ping of ours, and we send none.
        if ((f.id() & 1) == 1) {
          ctx.writeAndFlush(f);
          msg = null;
        }
      } else if (msg instanceof SpdyGoAwayFrame) {
        // A client sends GOAWAY when it is leaving (Netty's session handler on close, spdystream
        // on Close): treat it as a disconnect, which also ends a session still running.
        goingAway = true;
        close();
      } else if (msg instanceof SpdyHeadersFrame f && f.isLast()) {
        Stream s = streams.get(f.streamId());
        if (s != null) {
          s.in.finish();
        }
      }
    } finally {
      if (msg != null) {
        ReferenceCountUtil.release(msg);
      }
    }
  }

  private void onSynStream(ChannelHandlerContext ctx, SpdySynStreamFrame f) {
    int id = f.streamId();
    if ((id & 1) == 0 || id <= lastGoodStreamId) {
      ctx.writeAndFlush(new DefaultSpdyRstStreamFrame(id, SpdyStreamStatus.PROTOCOL_ERROR));
      return;
    }
    lastGoodStreamId = id;
    if (goingAway) {
      ctx.writeAndFlush(new DefaultSpdyRstStreamFrame(id, SpdyStreamStatus.REFUSED_STREAM));
      return;
    }
    Map<String, String> headers = new java.util.HashMap<>();
    for (Map.Entry<String, String> h :
        (Iterable<Map.Entry<String, String>>) f.headers()::iteratorAsString) {
      headers.putIfAbsent(h.getKey().toLowerCase(Locale.ROOT), h.getValue());
    }
    Stream s;
    synchronized (lock) {
      s = new Stream(id, headers, initialSendWindow);
    }
    streams.put(id, s);
    if (f.isLast()) {
      s.in.finish();
    }
    if (f.isUnidirectional()) {
      s.outClosed = true;
    }
    SpdySynReplyFrame reply = new DefaultSpdySynReplyFrame(id);
    // Never an empty header block: Netty encodes no headers as zero bytes, which Go's spdy framer
    // (spdystream, used by kubectl) cannot parse (it fails the whole connection) and Netty's
    // decoder marks invalid. SPDY/3's HTTP layering puts :status and :version in a reply.
    reply.headers().set(":status", "200").set(":version", "HTTP/1.1");
    ctx.writeAndFlush(reply);
    listener.onStream(s);
  }

  private void onData(ChannelHandlerContext ctx, SpdyDataFrame f) {
    Stream s = streams.get(f.streamId());
    if (s == null) {
      if (f.streamId() > lastGoodStreamId) {
        ctx.writeAndFlush(
            new DefaultSpdyRstStreamFrame(f.streamId(), SpdyStreamStatus.INVALID_STREAM));
      }
      return;
    }
    ByteBuf content = f.content();
    if (content.isReadable()) {
      s.in.offer(ByteBufUtil.getBytes(content));
      if (bufferedTotal() > READ_PAUSE_BYTES) {
        ctx.channel().config().setAutoRead(false);
      }
    }
    if (f.isLast()) {
      s.in.finish();
      forgetIfDone(s);
    }
  }

  /** A stream both sides have finished is dropped, so long port-forward sessions do not pile up. */
  private void forgetIfDone(Stream s) {
    if (s.outClosed && s.in.isFinished()) {
      streams.remove(s.id, s);
    }
  }

  private long bufferedTotal() {
    long total = 0;
    for (Stream s : streams.values()) {
      total += s.in.buffered();
    }
    return total;
  }

  /** Called on a reader's thread after it took {@code n} bytes of stream {@code id}. */
  private void consumed(int id, int n) {
    Channel ch = channel;
    if (ch == null) {
      return;
    }
    ch.eventLoop()
        .execute(
            () -> {
              if (!ch.isActive()) {
                return;
              }
              if (streams.containsKey(id)) {
                ch.write(new DefaultSpdyWindowUpdateFrame(id, n));
              }
              ch.write(new DefaultSpdyWindowUpdateFrame(0, n));
              ch.flush();
              if (!ch.config().isAutoRead() && bufferedTotal() <= READ_PAUSE_BYTES / 2) {
                ch.config().setAutoRead(true);
              }
            });
  }

  private void onWindowUpdate(int id, int delta) {
    synchronized (lock) {
      peerKeepsWindows = true;
      if (id == 0) {
        sessionSendWindow = saturatedAdd(sessionSendWindow, delta);
      } else {
        Stream s = streams.get(id);
        if (s != null) {
          s.sendWindow = saturatedAdd(s.sendWindow, delta);
        }
      }
      lock.notifyAll();
    }
  }

  private void onSettings(SpdySettingsFrame f) {
    if (!f.isSet(SpdySettingsFrame.SETTINGS_INITIAL_WINDOW_SIZE)) {
      return;
    }
    int size = f.getValue(SpdySettingsFrame.SETTINGS_INITIAL_WINDOW_SIZE);
    synchronized (lock) {
      peerKeepsWindows = true;
      int delta = size - initialSendWindow;
      initialSendWindow = size;
      for (Stream s : streams.values()) {
        s.sendWindow = saturatedAdd(s.sendWindow, delta);
      }
      lock.notifyAll();
    }
  }

  private static int saturatedAdd(int a, int b) {
    long r = (long) a + b;
    return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, r));
  }

  @Override
  void abortReaders() {
    for (Stream s : streams.values()) {
      s.in.abort();
    }
    streams.clear();
  }

  /** Sends on {@code s}, honouring windows; blocks. */
  private void send(Stream s, byte[] data, int off, int len) throws IOException {
    Channel ch = channel;
    while (len > 0) {
      int n;
      synchronized (lock) {
        long graceEnd = 0;
        while (true) {
          if (!open || s.outClosed) {
            throw new IOException("SPDY stream " + s.id + " is closed");
          }
          boolean enforce = peerKeepsWindows || !peerIgnoresWindows;
          boolean windowOpen = !enforce || (s.sendWindow > 0 && sessionSendWindow > 0);
          if (windowOpen && ch.isWritable()) {
            break;
          }
          long waitMillis = 1000;
          if (!windowOpen && !peerKeepsWindows) {
            long now = System.nanoTime();
            if (graceEnd == 0) {
              graceEnd = now + TimeUnit.MILLISECONDS.toNanos(FLOW_CONTROL_GRACE_MILLIS);
            }
            if (now - graceEnd >= 0) {
              LOG.debug("SPDY peer {} never sent WINDOW_UPDATE: ignoring its windows", ch);
              peerIgnoresWindows = true;
              continue;
            }
            waitMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(graceEnd - now));
          }
          try {
            lock.wait(waitMillis);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted sending on SPDY stream " + s.id);
          }
        }
        n = Math.min(len, MAX_DATA_FRAME);
        if (peerKeepsWindows || !peerIgnoresWindows) {
          n = Math.min(n, Math.min(s.sendWindow, sessionSendWindow));
        }
        s.sendWindow -= n;
        sessionSendWindow -= n;
        // Queued under the lock, so that a FIN (queued under it too) never overtakes data.
        ch.writeAndFlush(new DefaultSpdyDataFrame(s.id, Unpooled.copiedBuffer(data, off, n)));
      }
      off += n;
      len -= n;
    }
  }

  /** One client-created stream. */
  final class Stream {
    final int id;
    private final Map<String, String> headers;
    final InboundPipe in;
    private volatile boolean outClosed;
    // Guarded by lock.
    private int sendWindow;

    private Stream(int id, Map<String, String> headers, int sendWindow) {
      this.id = id;
      this.headers = headers;
      this.sendWindow = sendWindow;
      this.in = new InboundPipe(n -> consumed(id, n));
    }

    /** A header the client set on the stream (names are case-insensitive), or null. */
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** This stream as an output; closing it sends FIN. */
    ByteSink sink() {
      return new ByteSink() {
        @Override
        public void write(byte[] data, int off, int len) throws IOException {
          send(Stream.this, data, off, len);
        }

        @Override
        public void close() {
          finishOutput();
        }
      };
    }

    /** Sends FIN on our half of the stream, once. */
    void finishOutput() {
      Channel ch = channel;
      synchronized (lock) {
        if (outClosed) {
          return;
        }
        outClosed = true;
        SpdyDataFrame fin = new DefaultSpdyDataFrame(id);
        fin.setLast(true);
        // Always through the task queue: on the event loop a direct write would overtake data
        // frames other threads have queued.
        ch.eventLoop().execute(() -> ch.writeAndFlush(fin));
      }
      forgetIfDone(this);
    }

    /** Refuses the stream (RST_STREAM), dropping what it carried. */
    void reset() {
      outClosed = true;
      in.abort();
      streams.remove(id);
      channel
          .writeAndFlush(new DefaultSpdyRstStreamFrame(id, SpdyStreamStatus.CANCEL))
          .addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
    }

    private void resetByPeer() {
      outClosed = true;
      in.abort();
      synchronized (lock) {
        lock.notifyAll();
      }
    }
  }
}
