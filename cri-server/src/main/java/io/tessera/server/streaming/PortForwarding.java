package io.tessera.server.streaming;

import io.tessera.sandbox.streaming.StreamingBackend;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One forwarded connection, whatever the wire protocol: opens the pod's port through the backend
 * and copies both ways until the pod closes its side. The client's end-of-file half-closes the
 * connection to the pod (a request may still get its response); failures are written to the error
 * stream in the kubelet's words. Every stream is closed at the end.
 */
final class PortForwarding {
  private static final Logger LOG = LoggerFactory.getLogger(PortForwarding.class);
  private static final int CHUNK = 32 * 1024;

  private PortForwarding() {}

  /** Blocks until the forwarded connection is over. */
  static void forward(
      StreamingBackend backend,
      String podSandboxId,
      int port,
      InputStream fromClient,
      ByteSink toClient,
      ByteSink errors,
      CompletableFuture<Void> clientGone,
      ExecutorService pumps) {
    try {
      SocketChannel pod;
      try {
        pod = backend.portForward(podSandboxId, port);
        pod.configureBlocking(true);
      } catch (RuntimeException | IOException e) {
        report(errors, podSandboxId, port, e);
        return;
      }
      // A blocking read is only ended by closing the channel.
      clientGone.thenRun(() -> closeQuietly(pod));
      try (pod) {
        pumps.execute(() -> copyToPod(fromClient, pod));
        ByteBuffer buf = ByteBuffer.allocate(CHUNK);
        while (true) {
          buf.clear();
          int n;
          try {
            n = pod.read(buf);
          } catch (IOException e) {
            if (!clientGone.isDone()) {
              report(errors, podSandboxId, port, e);
            }
            break;
          }
          if (n < 0) {
            break;
          }
          try {
            toClient.write(buf.array(), 0, n);
          } catch (IOException e) {
            LOG.debug("port forward {}:{}: client gone: {}", podSandboxId, port, e.toString());
            break;
          }
        }
      } catch (IOException e) {
        LOG.debug("port forward {}:{}: close: {}", podSandboxId, port, e.toString());
      }
    } finally {
      toClient.close();
      errors.close();
      try {
        fromClient.close();
      } catch (IOException e) {
        LOG.debug("close: {}", e.toString());
      }
    }
  }

  private static void copyToPod(InputStream fromClient, SocketChannel pod) {
    byte[] buf = new byte[CHUNK];
    try {
      int n;
      while ((n = fromClient.read(buf)) >= 0) {
        ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
        while (b.hasRemaining()) {
          pod.write(b);
        }
      }
      pod.shutdownOutput();
    } catch (IOException e) {
      LOG.debug("port forward to pod ended: {}", e.toString());
    }
  }

  private static void closeQuietly(SocketChannel c) {
    try {
      c.close();
    } catch (IOException e) {
      LOG.debug("close pod connection: {}", e.toString());
    }
  }

  private static void report(ByteSink errors, String pod, int port, Exception e) {
    String msg = "error forwarding port " + port + " to pod " + pod + ", uid : " + e.getMessage();
    LOG.info("{}", msg);
    byte[] b = msg.getBytes(StandardCharsets.UTF_8);
    try {
      errors.write(b, 0, b.length);
    } catch (IOException ignored) {
      // The client is gone; there is nobody to tell.
    }
  }
}
