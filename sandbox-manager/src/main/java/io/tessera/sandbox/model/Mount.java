package io.tessera.sandbox.model;

import io.tessera.kernel.errors.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A host path or an image mounted into a container (CRI Mount).
 *
 * @param hostPath the host source; empty exactly when {@code image} is set
 * @param uidMappings id-mapped mount ranges; empty for a plain mount
 * @param recursiveReadOnly needs {@code readonly} and PRIVATE propagation
 * @param image an image volume (always mounted read-only)
 * @param imageSubPath subdirectory of the image to mount; only with {@code image}
 */
public record Mount(
    String containerPath,
    String hostPath,
    boolean readonly,
    boolean selinuxRelabel,
    MountPropagation propagation,
    List<IdMapping> uidMappings,
    List<IdMapping> gidMappings,
    boolean recursiveReadOnly,
    Optional<ImageSpec> image,
    String imageSubPath) {

  public Mount {
    Checks.nonEmpty(containerPath, "mount container path");
    Objects.requireNonNull(hostPath, "mount host path");
    Objects.requireNonNull(propagation, "mount propagation");
    uidMappings = List.copyOf(uidMappings);
    gidMappings = List.copyOf(gidMappings);
    Objects.requireNonNull(image, "mount image");
    Objects.requireNonNull(imageSubPath, "mount image sub path");
    if (image.isPresent() == !hostPath.isEmpty()) {
      throw new InvalidArgumentException(
          "mount at "
              + containerPath
              + " must have exactly one of a host path and an image (host path '"
              + hostPath
              + "', image "
              + image.map(ImageSpec::image).orElse("none")
              + ")");
    }
    if (image.isEmpty() && !imageSubPath.isEmpty()) {
      throw new InvalidArgumentException(
          "mount at " + containerPath + " has an image sub path but no image");
    }
    if (recursiveReadOnly && (!readonly || propagation != MountPropagation.PRIVATE)) {
      throw new InvalidArgumentException(
          "recursive read-only mount at "
              + containerPath
              + " needs readonly and PRIVATE propagation (readonly "
              + readonly
              + ", "
              + propagation
              + ")");
    }
  }

  /** A mount of a host path. */
  public static Builder hostPath(String containerPath, String hostPath) {
    return new Builder(containerPath).hostPathSource(hostPath);
  }

  /** An image volume. */
  public static Builder image(String containerPath, ImageSpec image) {
    return new Builder(containerPath).imageSource(image).readonly(true);
  }

  public Builder toBuilder() {
    Builder b = new Builder(containerPath);
    b.hostPath = hostPath;
    b.image = image;
    return b.readonly(readonly)
        .selinuxRelabel(selinuxRelabel)
        .propagation(propagation)
        .uidMappings(uidMappings)
        .gidMappings(gidMappings)
        .recursiveReadOnly(recursiveReadOnly)
        .imageSubPath(imageSubPath);
  }

  /** Collects the fields of a {@link Mount}; not thread-safe. */
  public static final class Builder {
    private final String containerPath;
    private String hostPath = "";
    private boolean readonly;
    private boolean selinuxRelabel;
    private MountPropagation propagation = MountPropagation.PRIVATE;
    private List<IdMapping> uidMappings = new ArrayList<>();
    private List<IdMapping> gidMappings = new ArrayList<>();
    private boolean recursiveReadOnly;
    private Optional<ImageSpec> image = Optional.empty();
    private String imageSubPath = "";

    private Builder(String containerPath) {
      this.containerPath = containerPath;
    }

    private Builder hostPathSource(String v) {
      this.hostPath = v;
      return this;
    }

    private Builder imageSource(ImageSpec v) {
      this.image = Optional.of(v);
      return this;
    }

    public Builder readonly(boolean v) {
      this.readonly = v;
      return this;
    }

    public Builder selinuxRelabel(boolean v) {
      this.selinuxRelabel = v;
      return this;
    }

    public Builder propagation(MountPropagation v) {
      this.propagation = v;
      return this;
    }

    public Builder uidMappings(List<IdMapping> v) {
      this.uidMappings = new ArrayList<>(v);
      return this;
    }

    public Builder gidMappings(List<IdMapping> v) {
      this.gidMappings = new ArrayList<>(v);
      return this;
    }

    public Builder recursiveReadOnly(boolean v) {
      this.recursiveReadOnly = v;
      return this;
    }

    public Builder imageSubPath(String v) {
      this.imageSubPath = v;
      return this;
    }

    public Mount build() {
      return new Mount(
          containerPath,
          hostPath,
          readonly,
          selinuxRelabel,
          propagation,
          uidMappings,
          gidMappings,
          recursiveReadOnly,
          image,
          imageSubPath);
    }
  }
}
