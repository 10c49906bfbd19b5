package io.tessera.server.cli;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.tessera.cri.v1.ImageServiceGrpc;
import io.tessera.cri.v1.RuntimeServiceGrpc;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A client connection to a daemon's CRI socket, for the CLI's client commands. */
final class CriConnection implements AutoCloseable {
  private final EventLoopGroup group;
  private final ManagedChannel channel;

  CriConnection(Path socket) {
    group = new EpollEventLoopGroup(1);
    channel =
        NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
            .eventLoopGroup(group)
            .channelType(EpollDomainSocketChannel.class)
            .usePlaintext()
            .maxInboundMessageSize(16 * 1024 * 1024)
            .build();
  }

  ImageServiceGrpc.ImageServiceBlockingStub images(long timeoutSeconds) {
    return ImageServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(timeoutSeconds, TimeUnit.SECONDS);
  }

  RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime(long timeoutSeconds) {
    return RuntimeServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(timeoutSeconds, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
