package io.tessera.e2e;

import io.tessera.cri.v1.ImageSpec;
import io.tessera.cri.v1.PullImageRequest;
import io.tessera.storage.testing.TestImage;
import io.tessera.storage.testing.TestImages;
import io.tessera.storage.testing.TestRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The set-up most runtime e2e classes share: the busybox test image built with umoci, pushed to a
 * fresh loopback registry, pulled by the class's daemon, and a directory for pod logs. The caller
 * closes {@link #registry()}.
 *
 * @param image the pulled image's reference, e.g. {@code 127.0.0.1:PORT/e2e/busybox:1}
 */
record PulledBusybox(TestRegistry registry, String image, Path logs) {

  static PulledBusybox publishAndPull(TesseraDaemonExtension daemon, Path work) {
    TestRegistry registry = TestRegistry.start();
    TestImage built = TestImages.busybox(work.resolve("image"));
    registry.push(built.layout(), built.tag(), "e2e/busybox:1");
    String image = registry.host() + "/e2e/busybox:1";
    daemon
        .client()
        .images()
        .pullImage(
            PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image)).build());
    try {
      return new PulledBusybox(registry, image, Files.createDirectories(work.resolve("logs")));
    } catch (IOException e) {
      registry.close();
      throw new UncheckedIOException(e);
    }
  }
}
