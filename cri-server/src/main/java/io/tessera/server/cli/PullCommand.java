package io.tessera.server.cli;

import io.grpc.StatusRuntimeException;
import io.tessera.cri.v1.AuthConfig;
import io.tessera.cri.v1.ImageSpec;
import io.tessera.cri.v1.PullImageRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tessera pull IMAGE}: PullImage through the daemon, prints the image id. */
@Command(
    name = "pull",
    mixinStandardHelpOptions = true,
    description = "Pull an image through a running daemon (CRI PullImage).")
final class PullCommand implements Callable<Integer> {
  @Mixin ClientOptions client;

  @Parameters(index = "0", paramLabel = "IMAGE", description = "e.g. docker.io/library/busybox")
  String image;

  @Option(
      names = "--creds",
      paramLabel = "USER:PASSWORD",
      description = "Registry credentials (basic auth or token exchange).")
  String creds;

  @Override
  public Integer call() {
    PullImageRequest.Builder req =
        PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image));
    if (creds != null) {
      int colon = creds.indexOf(':');
      if (colon < 0) {
        System.err.println("tessera pull: --creds must be USER:PASSWORD");
        return 2;
      }
      req.setAuth(
          AuthConfig.newBuilder()
              .setUsername(creds.substring(0, colon))
              .setPassword(creds.substring(colon + 1)));
    }
    try (CriConnection c = new CriConnection(client.socket)) {
      System.out.println(c.images(client.timeoutSeconds).pullImage(req.build()).getImageRef());
      return 0;
    } catch (StatusRuntimeException e) {
      System.err.println(
          "tessera pull: " + e.getStatus().getCode() + ": " + e.getStatus().getDescription());
      return 1;
    }
  }
}
