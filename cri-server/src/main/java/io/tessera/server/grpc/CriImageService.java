package io.tessera.server.grpc;

import io.grpc.stub.StreamObserver;
import io.tessera.cri.v1.AuthConfig;
import io.tessera.cri.v1.FilesystemIdentifier;
import io.tessera.cri.v1.FilesystemUsage;
import io.tessera.cri.v1.Image;
import io.tessera.cri.v1.ImageFsInfoRequest;
import io.tessera.cri.v1.ImageFsInfoResponse;
import io.tessera.cri.v1.ImageServiceGrpc;
import io.tessera.cri.v1.ImageSpec;
import io.tessera.cri.v1.ImageStatusRequest;
import io.tessera.cri.v1.ImageStatusResponse;
import io.tessera.cri.v1.Int64Value;
import io.tessera.cri.v1.ListImagesRequest;
import io.tessera.cri.v1.ListImagesResponse;
import io.tessera.cri.v1.PullImageRequest;
import io.tessera.cri.v1.PullImageResponse;
import io.tessera.cri.v1.RemoveImageRequest;
import io.tessera.cri.v1.RemoveImageResponse;
import io.tessera.cri.v1.UInt64Value;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.storage.image.FsUsage;
import io.tessera.storage.image.ImageRecord;
import io.tessera.storage.image.ImageService;
import io.tessera.storage.registry.Credentials;
import java.util.Optional;

/**
 * CRI ImageService: validates, translates to {@link ImageService} calls and back. Failures are
 * passed to {@code onError} and mapped to statuses by {@link CriCallInterceptor}.
 */
public final class CriImageService extends ImageServiceGrpc.ImageServiceImplBase {
  private final ImageService images;

  public CriImageService(ImageService images) {
    this.images = images;
  }

  @Override
  public void pullImage(PullImageRequest request, StreamObserver<PullImageResponse> out) {
    Unary.respond(
        out,
        () -> {
          String name = requireImage(request.getImage(), "PullImage");
          ImageRecord r = images.pull(name, credentials(request.getAuth()));
          return PullImageResponse.newBuilder().setImageRef(r.id().toString()).build();
        });
  }

  @Override
  public void imageStatus(ImageStatusRequest request, StreamObserver<ImageStatusResponse> out) {
    Unary.respond(
        out,
        () -> {
          String name = requireImage(request.getImage(), "ImageStatus");
          ImageStatusResponse.Builder b = ImageStatusResponse.newBuilder();
          // CRI: an image that is not present is an empty response, not an error.
          images
              .status(name)
              .ifPresent(
                  r -> {
                    b.setImage(toCri(r));
                    if (request.getVerbose()) {
                      b.putAllInfo(images.verboseInfo(r));
                    }
                  });
          return b.build();
        });
  }

  @Override
  public void listImages(ListImagesRequest request, StreamObserver<ListImagesResponse> out) {
    Unary.respond(
        out,
        () -> {
          Optional<String> filter =
              request.hasFilter() && !request.getFilter().getImage().getImage().isEmpty()
                  ? Optional.of(request.getFilter().getImage().getImage())
                  : Optional.empty();
          ListImagesResponse.Builder b = ListImagesResponse.newBuilder();
          images.list(filter).forEach(r -> b.addImages(toCri(r)));
          return b.build();
        });
  }

  @Override
  public void removeImage(RemoveImageRequest request, StreamObserver<RemoveImageResponse> out) {
    Unary.respond(
        out,
        () -> {
          images.remove(requireImage(request.getImage(), "RemoveImage"));
          return RemoveImageResponse.getDefaultInstance();
        });
  }

  @Override
  public void imageFsInfo(ImageFsInfoRequest request, StreamObserver<ImageFsInfoResponse> out) {
    Unary.respond(
        out,
        () -> {
          FsUsage u = images.fsUsage();
          return ImageFsInfoResponse.newBuilder()
              .addImageFilesystems(
                  FilesystemUsage.newBuilder()
                      .setTimestamp(u.timestampNanos())
                      .setFsId(
                          FilesystemIdentifier.newBuilder()
                              .setMountpoint(u.mountpoint().toString()))
                      .setUsedBytes(UInt64Value.newBuilder().setValue(u.usedBytes()))
                      .setInodesUsed(UInt64Value.newBuilder().setValue(u.inodesUsed())))
              .build();
        });
  }

  private static String requireImage(ImageSpec spec, String rpc) {
    if (spec == null || spec.getImage().isBlank()) {
      throw new InvalidArgumentException(rpc + ": image is required (ImageSpec.image is empty)");
    }
    return spec.getImage().trim();
  }

  /** CRI AuthConfig to registry credentials; {@code auth} is base64 "user:password". */
  static Optional<Credentials> credentials(AuthConfig a) {
    if (a == null || a.equals(AuthConfig.getDefaultInstance())) {
      return Optional.empty();
    }
    return Optional.of(
        Credentials.fromAuthConfig(
            a.getUsername(),
            a.getPassword(),
            a.getAuth(),
            a.getIdentityToken(),
            a.getRegistryToken()));
  }

  static Image toCri(ImageRecord r) {
    Image.Builder b =
        Image.newBuilder()
            .setId(r.id().toString())
            .addAllRepoTags(r.repoTags())
            .addAllRepoDigests(r.repoDigests())
            .setSize(r.size())
            .setPinned(r.pinned())
            .setSpec(ImageSpec.newBuilder().setImage(r.id().toString()));
    r.config().uid().ifPresent(uid -> b.setUid(Int64Value.newBuilder().setValue(uid)));
    r.config().username().ifPresent(b::setUsername);
    return b.build();
  }
}
