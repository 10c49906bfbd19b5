package io.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.tessera.cri.v1.Image;
import io.tessera.cri.v1.ImageFilter;
import io.tessera.cri.v1.ImageFsInfoRequest;
import io.tessera.cri.v1.ImageFsInfoResponse;
import io.tessera.cri.v1.ImageSpec;
import io.tessera.cri.v1.ImageStatusRequest;
import io.tessera.cri.v1.ImageStatusResponse;
import io.tessera.cri.v1.ListImagesRequest;
import io.tessera.cri.v1.PullImageRequest;
import io.tessera.cri.v1.RemoveImageRequest;
import io.tessera.storage.testing.TestImage;
import io.tessera.storage.testing.TestImages;
import io.tessera.storage.testing.TestRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * ImageService over the socket against Debian's docker-registry on loopback, with the busybox test
 * image built by umoci. The tests build on each other in order (pull, inspect, retag, restart,
 * remove), as a kubelet would use the node.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ImageServiceIT {
  @RegisterExtension static final TesseraDaemonExtension daemon = new TesseraDaemonExtension();

  @TempDir static Path work;
  static TestRegistry registry;
  static TestImage image;
  static String repo;

  @BeforeAll
  static void publish() {
    registry = TestRegistry.start();
    image = TestImages.busybox(work.resolve("image"));
    registry.push(image.layout(), image.tag(), "e2e/busybox:1.0");
    registry.push(image.layout(), image.tag(), "e2e/busybox:stable");
    repo = registry.host() + "/e2e/busybox";
  }

  @AfterAll
  static void stopRegistry() {
    if (registry != null) {
      registry.close();
    }
  }

  private static ImageSpec spec(String name) {
    return ImageSpec.newBuilder().setImage(name).build();
  }

  private static String pull(String name) {
    return daemon
        .client()
        .images()
        .pullImage(PullImageRequest.newBuilder().setImage(spec(name)).build())
        .getImageRef();
  }

  private static ImageStatusResponse status(String name) {
    return daemon
        .client()
        .images()
        .imageStatus(ImageStatusRequest.newBuilder().setImage(spec(name)).build());
  }

  private static void remove(String name) {
    daemon
        .client()
        .images()
        .removeImage(RemoveImageRequest.newBuilder().setImage(spec(name)).build());
  }

  private static long filesUnder(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).count();
    }
  }

  @Test
  @Order(1)
  void pullByTagReturnsTheConfigDigestAsImageRef() {
    String ref = pull(repo + ":1.0");
    assertThat(ref).isEqualTo(image.configDigest().toString());
  }

  @Test
  @Order(2)
  void imageStatusDescribesThePulledImage() {
    Image i = status(repo + ":1.0").getImage();
    assertThat(i.getId()).isEqualTo(image.configDigest().toString());
    assertThat(i.getRepoTagsList()).containsExactly(repo + ":1.0");
    assertThat(i.getRepoDigestsList()).containsExactly(repo + "@" + image.manifestDigest());
    assertThat(i.getSize()).isEqualTo(image.layers().stream().mapToLong(l -> l.size()).sum());
    assertThat(i.getPinned()).isFalse();
    // By id and by digest too.
    assertThat(status(i.getId()).getImage().getId()).isEqualTo(i.getId());
    assertThat(status(repo + "@" + image.manifestDigest()).getImage().getId()).isEqualTo(i.getId());
  }

  @Test
  @Order(3)
  void verboseStatusCarriesTheConfig() {
    ImageStatusResponse r =
        daemon
            .client()
            .images()
            .imageStatus(
                ImageStatusRequest.newBuilder()
                    .setImage(spec(repo + ":1.0"))
                    .setVerbose(true)
                    .build());
    assertThat(r.getInfoMap().get("info")).contains("imageSpec").contains("diff_ids");
  }

  @Test
  @Order(4)
  void statusOfAnAbsentImageIsEmptyNotAnError() {
    assertThat(status(repo + ":nope").hasImage()).isFalse();
  }

  @Test
  @Order(5)
  void malformedReferenceIsInvalidArgument() {
    assertThatThrownBy(() -> pull("UPPER/Case::bad"))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    assertThatThrownBy(() -> pull(""))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
  }

  @Test
  @Order(6)
  void missingImageInRegistryIsNotFound() {
    assertThatThrownBy(() -> pull(repo + ":does-not-exist"))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
              assertThat(e.getStatus().getDescription()).contains("does-not-exist");
            });
  }

  @Test
  @Order(7)
  void secondTagAndDigestPullShareTheImage() {
    assertThat(pull(repo + ":stable")).isEqualTo(image.configDigest().toString());
    assertThat(pull(repo + "@" + image.manifestDigest()))
        .isEqualTo(image.configDigest().toString());
    List<Image> all =
        daemon.client().images().listImages(ListImagesRequest.getDefaultInstance()).getImagesList();
    assertThat(all).hasSize(1);
    assertThat(all.get(0).getRepoTagsList())
        .containsExactlyInAnyOrder(repo + ":1.0", repo + ":stable");
    List<Image> filtered =
        daemon
            .client()
            .images()
            .listImages(
                ListImagesRequest.newBuilder()
                    .setFilter(ImageFilter.newBuilder().setImage(spec(repo + ":stable")))
                    .build())
            .getImagesList();
    assertThat(filtered).extracting(Image::getId).containsExactly(image.configDigest().toString());
    assertThat(
            daemon
                .client()
                .images()
                .listImages(
                    ListImagesRequest.newBuilder()
                        .setFilter(ImageFilter.newBuilder().setImage(spec(repo + ":other")))
                        .build())
                .getImagesList())
        .isEmpty();
  }

  @Test
  @Order(8)
  void imageFsInfoCountsBytesAndInodes() {
    ImageFsInfoResponse r =
        daemon.client().images().imageFsInfo(ImageFsInfoRequest.getDefaultInstance());
    assertThat(r.getImageFilesystemsList()).hasSize(1);
    var fs = r.getImageFilesystems(0);
    assertThat(fs.getUsedBytes().getValue())
        .isGreaterThan(image.layers().stream().mapToLong(l -> l.size()).sum());
    assertThat(fs.getInodesUsed().getValue()).isGreaterThan(10);
    assertThat(fs.getFsId().getMountpoint()).startsWith("/");
    assertThat(fs.getTimestamp()).isPositive();
  }

  @Test
  @Order(9)
  void imagesSurviveARestart() {
    daemon.restart();
    Image i = status(repo + ":stable").getImage();
    assertThat(i.getId()).isEqualTo(image.configDigest().toString());
    assertThat(i.getRepoTagsList()).containsExactlyInAnyOrder(repo + ":1.0", repo + ":stable");
  }

  @Test
  @Order(10)
  void removingOneTagKeepsTheImage() {
    remove(repo + ":1.0");
    Image i = status(repo + ":stable").getImage();
    assertThat(i.getRepoTagsList()).containsExactly(repo + ":stable");
    assertThat(status(repo + ":1.0").hasImage()).isFalse();
  }

  @Test
  @Order(11)
  void removingByIdRemovesTheImageAndCollectsItsContent() throws IOException {
    Path root = daemon.dirs().root();
    assertThat(filesUnder(root.resolve("content"))).isPositive();
    remove(image.configDigest().toString());
    assertThat(
            daemon
                .client()
                .images()
                .listImages(ListImagesRequest.getDefaultInstance())
                .getImagesList())
        .isEmpty();
    assertThat(filesUnder(root.resolve("content/blobs"))).isZero();
    assertThat(filesUnder(root.resolve("layers/sha256"))).isZero();
    // Removing what is gone succeeds.
    remove(image.configDigest().toString());
    remove(repo + ":stable");
  }
}
