package io.tessera.server.grpc;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.tessera.kernel.errors.InternalException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC server on the CRI Unix socket (Netty, native epoll). Not thread-safe: one owner calls
 * {@link #start} once and {@link #stop} once.
 *
 * <p>The socket is bound under a temporary name, set to mode 0660, then renamed into place, so that
 * no client ever sees it with wider permissions than asked for.
 */
public final class CriServer {
  private static final Logger LOG = LoggerFactory.getLogger(CriServer.class);

  /** Kubelet sends and accepts up to 16 MiB per message; so do we. */
  private static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

  private final Path socket;
  private final List<BindableService> services;
  private final CriCallInterceptor interceptor;
  private EventLoopGroup boss;
  private EventLoopGroup workers;
  private ExecutorService executor;
  private Server server;

  public CriServer(Path socket, List<BindableService> services, CriCallInterceptor interceptor) {
    this.socket = socket;
    this.services = List.copyOf(services);
    this.interceptor = interceptor;
  }

  public void start() {
    if (!Epoll.isAvailable()) {
      throw new InternalException(
          "native epoll transport unavailable: " + Epoll.unavailabilityCause().getMessage(),
          Epoll.unavailabilityCause());
    }
    SocketGuard.prepare(socket);
    Path temp =
        socket.resolveSibling("." + socket.getFileName() + "." + ProcessHandle.current().pid());
    try {
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      throw new InternalException("remove leftover " + temp + ": " + e.getMessage(), e);
    }
    boss = new EpollEventLoopGroup(1, daemonThreads("cri-accept"));
    workers = new EpollEventLoopGroup(2, daemonThreads("cri-io"));
    executor = Executors.newCachedThreadPool(daemonThreads("cri-call"));
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new DomainSocketAddress(temp.toString()))
            .channelType(EpollServerDomainSocketChannel.class)
            .bossEventLoopGroup(boss)
            .workerEventLoopGroup(workers)
            .executor(executor)
            .maxInboundMessageSize(MAX_MESSAGE_BYTES);
    for (BindableService s : services) {
      builder.addService(ServerInterceptors.intercept(s, interceptor));
    }
    server = builder.build();
    try {
      server.start();
      Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-rw----"));
      Files.move(temp, socket, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      stopQuietly();
      throw new InternalException("serve CRI on " + socket + ": " + e.getMessage(), e);
    }
    LOG.info("serving CRI v1 on unix://{}", socket);
  }

  /**
   * Stops taking calls and removes the socket, then lets in-flight calls finish for up to {@code
   * grace} before cancelling them.
   */
  public void stop(Duration grace) {
    if (server == null) {
      return;
    }
    server.shutdown();
    deleteSocket();
    try {
      if (!server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("in-flight calls still running after {}s; cancelling them", grace.toSeconds());
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
    }
    shutdownThreads();
    server = null;
  }

  private void stopQuietly() {
    server.shutdownNow();
    shutdownThreads();
    server = null;
  }

  private void shutdownThreads() {
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    executor.shutdown();
  }

  private void deleteSocket() {
    try {
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      LOG.warn("could not remove socket {}: {}", socket, e.getMessage());
    }
  }

  static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
