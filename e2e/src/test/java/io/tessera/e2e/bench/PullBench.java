package io.tessera.e2e.bench;

import io.tessera.cri.v1.ImageSpec;
import io.tessera.cri.v1.PullImageRequest;
import io.tessera.cri.v1.RemoveImageRequest;
import io.tessera.e2e.TesseraDaemonExtension;
import io.tessera.storage.registry.Platform;
import io.tessera.storage.testing.RegistryOciLayout;
import io.tessera.storage.testing.TestRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 3's pull benchmark: a ~200 MB, 5-layer image from the loopback registry, tessera's
 * PullImage (download, verify, unpack) against {@code skopeo copy docker://... oci:...} (download
 * only) of the same image, alternated in one run; prints the figures and the ratio. Not a test: it
 * asserts nothing and runs only with {@code mvn -pl e2e -am verify -Pbench}.
 */
class PullBench {
  private static final int LAYERS = 5;
  private static final long LAYER_BYTES = 40L << 20;
  private static final int ROUNDS = 3;

  @RegisterExtension static final TesseraDaemonExtension daemon = new TesseraDaemonExtension();

  @TempDir Path work;

  @Test
  void pullAgainstSkopeo() throws Exception {
    RegistryOciLayout layout = RegistryOciLayout.create(work.resolve("layout"));
    List<RegistryOciLayout.Layer> layers = new ArrayList<>();
    for (int i = 0; i < LAYERS; i++) {
      layers.add(layout.addRandomLayer("data/blob" + i, LAYER_BYTES, 1000 + i));
    }
    layout.tag("bench", layout.addImage(Platform.host(), layers)).write();
    long compressed = 0;
    for (RegistryOciLayout.Layer l : layers) {
      compressed += l.descriptor().size();
    }
    try (TestRegistry registry = TestRegistry.start()) {
      registry.push(layout.dir(), "bench", "bench/big:1");
      String ref = registry.host() + "/bench/big:1";
      List<Long> tessera = new ArrayList<>();
      List<Long> skopeo = new ArrayList<>();
      for (int round = 0; round < ROUNDS; round++) {
        long t0 = System.nanoTime();
        String id =
            daemon
                .client()
                .images()
                .pullImage(
                    PullImageRequest.newBuilder()
                        .setImage(ImageSpec.newBuilder().setImage(ref))
                        .build())
                .getImageRef();
        tessera.add(System.nanoTime() - t0);
        daemon
            .client()
            .images()
            .removeImage(
                RemoveImageRequest.newBuilder()
                    .setImage(ImageSpec.newBuilder().setImage(id))
                    .build());

        Path dest = work.resolve("skopeo-" + round);
        long t1 = System.nanoTime();
        skopeoCopy(ref, dest);
        skopeo.add(System.nanoTime() - t1);
        deleteTree(dest);
      }
      long t = median(tessera);
      long s = median(skopeo);
      double mb = compressed / 1e6;
      System.out.printf(
          Locale.ROOT,
          "%n== pull benchmark: %d layers, %.1f MB compressed (%.0f MB unpacked), %d rounds, %d cores"
              + "%n%-34s %10s %10s%n%-34s %10.2f %10.1f%n%-34s %10.2f %10.1f%n%-34s %10.2f"
              + "  (goal: <= 1.00)%n%n",
          LAYERS,
          mb,
          LAYERS * LAYER_BYTES / 1e6,
          ROUNDS,
          Runtime.getRuntime().availableProcessors(),
          "",
          "median s",
          "MB/s",
          "tessera PullImage (fetch+unpack)",
          t / 1e9,
          mb / (t / 1e9),
          "skopeo copy docker:// oci: (fetch)",
          s / 1e9,
          mb / (s / 1e9),
          "ratio tessera/skopeo (time)",
          (double) t / s);
    }
  }

  private static void skopeoCopy(String ref, Path dest) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                "skopeo",
                "copy",
                "--quiet",
                "--src-tls-verify=false",
                "docker://" + ref,
                "oci:" + dest + ":bench")
            .redirectErrorStream(true)
            .start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException("skopeo copy failed: " + new String(out));
    }
  }

  private static long median(List<Long> xs) {
    List<Long> s = new ArrayList<>(xs);
    Collections.sort(s);
    return s.get(s.size() / 2);
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var w = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) w.sorted(Collections.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }
}
