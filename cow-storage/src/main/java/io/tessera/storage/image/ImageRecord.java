package io.tessera.storage.image;

import io.tessera.storage.ref.Digest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An image known to the node: identified by its config digest (what CRI calls the image id), the
 * references that name it, and the content it is made of. Immutable; changes produce a new value.
 *
 * @param id the config digest
 * @param repoTags full references by tag, e.g. {@code docker.io/library/busybox:1.36}
 * @param repoDigests full references by digest, e.g. {@code docker.io/library/busybox@sha256:..}
 * @param manifestDigests the manifests and indexes of this image held in the content store
 * @param layers the layers, bottom first
 * @param config the parsed image configuration
 * @param pinned whether the kubelet must never garbage-collect it
 */
public record ImageRecord(
    Digest id,
    List<String> repoTags,
    List<String> repoDigests,
    Set<Digest> manifestDigests,
    List<Layer> layers,
    ImageConfig config,
    boolean pinned) {

  /**
   * One layer of an image.
   *
   * @param blob digest of the (usually compressed) blob as distributed
   * @param mediaType the blob's media type
   * @param size the blob's size in bytes
   * @param diffId digest of the uncompressed tar
   * @param chainId the chain id naming the unpacked layer (and all below it)
   */
  public record Layer(Digest blob, String mediaType, long size, Digest diffId, Digest chainId) {
    public Layer {
      Objects.requireNonNull(blob, "blob");
      Objects.requireNonNull(mediaType, "mediaType");
      Objects.requireNonNull(diffId, "diffId");
      Objects.requireNonNull(chainId, "chainId");
    }
  }

  public ImageRecord {
    Objects.requireNonNull(id, "id");
    repoTags = List.copyOf(repoTags);
    repoDigests = List.copyOf(repoDigests);
    manifestDigests = Set.copyOf(manifestDigests);
    layers = List.copyOf(layers);
    Objects.requireNonNull(config, "config");
  }

  /** Bytes of content as distributed: the layer blobs (what the registry served). */
  public long size() {
    long s = 0;
    for (Layer l : layers) {
      s += l.size();
    }
    return s;
  }

  /** The chain id of the top layer: the unpacked filesystem a container starts from. */
  public Digest topChainId() {
    return layers.get(layers.size() - 1).chainId();
  }

  /** This image with a reference added (kept once, in order of arrival). */
  ImageRecord withNames(List<String> tags, List<String> digests, Set<Digest> manifests) {
    List<String> t = new ArrayList<>(repoTags);
    tags.stream().filter(x -> !t.contains(x)).forEach(t::add);
    List<String> d = new ArrayList<>(repoDigests);
    digests.stream().filter(x -> !d.contains(x)).forEach(d::add);
    Set<Digest> m = new java.util.HashSet<>(manifestDigests);
    m.addAll(manifests);
    return new ImageRecord(id, t, d, m, layers, config, pinned);
  }

  ImageRecord withoutTag(String tag) {
    List<String> t = new ArrayList<>(repoTags);
    t.remove(tag);
    return new ImageRecord(id, t, repoDigests, manifestDigests, layers, config, pinned);
  }
}
