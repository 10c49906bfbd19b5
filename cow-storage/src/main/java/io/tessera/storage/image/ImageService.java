package io.tessera.storage.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.TesseraException;
import io.tessera.kernel.mount.MountInfo;
import io.tessera.storage.content.ContentStore;
import io.tessera.storage.content.FetchedImage;
import io.tessera.storage.content.ImageFetcher;
import io.tessera.storage.layer.ChainIds;
import io.tessera.storage.layer.LayerStore;
import io.tessera.storage.ref.Digest;
import io.tessera.storage.ref.ImageReference;
import io.tessera.storage.registry.Credentials;
import io.tessera.storage.registry.Descriptor;
import io.tessera.storage.registry.MediaTypes;
import io.tessera.storage.registry.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's images: pull (fetch content, unpack layers, record the image), look up, list, remove,
 * and garbage-collect what no image and no container needs any more.
 *
 * <p>Thread-safe. Pulls run concurrently with each other; garbage collection excludes pulls (a
 * read-write lock) so it never deletes a blob that a pull in flight is about to reference.
 */
public final class ImageService {
  private static final Logger LOG = LoggerFactory.getLogger(ImageService.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path root;
  private final ContentStore content;
  private final LayerStore layers;
  private final ImageStore store;
  private final ImageFetcher fetcher;
  private final Platform platform;
  private final ReadWriteLock gcLock = new ReentrantReadWriteLock();
  private volatile Supplier<Set<Path>> layerDirsInUse = Set::of;

  public ImageService(
      Path root,
      ContentStore content,
      LayerStore layers,
      ImageStore store,
      ImageFetcher fetcher,
      Platform platform) {
    this.root = root;
    this.content = content;
    this.layers = layers;
    this.store = store;
    this.fetcher = fetcher;
    this.platform = platform;
  }

  /**
   * Tells garbage collection which unpacked layer directories containers still use (their rootfs
   * lower layers), so that removing an image never pulls the floor from under a container.
   */
  public void setLayerDirsInUse(Supplier<Set<Path>> inUse) {
    this.layerDirsInUse = inUse;
  }

  /**
   * Pulls an image and records it under the requested name. Idempotent: content and layers already
   * present are reused.
   *
   * @throws InvalidArgumentException when the name is not a valid reference
   */
  public ImageRecord pull(String name, Optional<Credentials> credentials) {
    ImageReference ref = ImageReference.parse(name);
    gcLock.readLock().lock();
    try {
      FetchedImage fetched =
          fetcher.fetch(ref, credentials.orElse(Credentials.anonymous()), platform);
      ImageConfig config = ImageConfigTranslator.parse(content.read(fetched.configDigest()));
      List<ImageRecord.Layer> unpacked = unpack(ref, fetched, config);

      Set<Digest> manifests = new HashSet<>();
      manifests.add(fetched.manifestDigest());
      fetched.index().ifPresent(i -> manifests.add(i.digest()));
      List<String> tags = ref.digest().isPresent() ? List.of() : List.of(ref.toString());
      String repoDigest = fetched.repoDigestReference().toString();
      ImageRecord record =
          new ImageRecord(
              fetched.configDigest(),
              tags,
              List.of(repoDigest),
              manifests,
              unpacked,
              config,
              false);
      ImageRecord stored = store.add(record);
      LOG.info("pulled {} as {}", ref, stored.id());
      return stored;
    } finally {
      gcLock.readLock().unlock();
    }
  }

  private List<ImageRecord.Layer> unpack(
      ImageReference ref, FetchedImage fetched, ImageConfig config) {
    List<Descriptor> blobs = fetched.layers();
    if (blobs.isEmpty()) {
      throw new InvalidArgumentException("pull " + ref + ": the image has no layers");
    }
    if (blobs.size() != config.diffIds().size()) {
      throw new InvalidArgumentException(
          "pull "
              + ref
              + ": manifest lists "
              + blobs.size()
              + " layers but the config has "
              + config.diffIds().size()
              + " diff ids");
    }
    List<ImageRecord.Layer> out = new ArrayList<>();
    Digest parent = null;
    for (int i = 0; i < blobs.size(); i++) {
      Descriptor blob = blobs.get(i);
      Digest diffId = config.diffIds().get(i);
      Digest chainId = ChainIds.next(parent, diffId);
      Path blobPath =
          content
              .path(blob.digest())
              .orElseThrow(
                  () ->
                      new InternalException(
                          "pull " + ref + ": blob " + blob.digest() + " vanished"));
      try {
        layers.ensure(
            chainId,
            parent,
            diffId,
            MediaTypes.layerCompression(blob.mediaType()),
            () -> Files.newInputStream(blobPath));
      } catch (TesseraException e) {
        throw TesseraException.sameKind(
            e, "pull " + ref + ": layer " + blob.digest() + ": " + e.getMessage());
      }
      out.add(
          new ImageRecord.Layer(
              blob.digest(), blob.mediaType(), blob.size(), config.diffIds().get(i), chainId));
      parent = chainId;
    }
    return out;
  }

  /** The image a name or id refers to, if it is here. */
  public Optional<ImageRecord> status(String name) {
    return store.find(name);
  }

  /** All images, or those the filter names (by id, tag or digest). */
  public List<ImageRecord> list(Optional<String> filter) {
    if (filter.isEmpty()) {
      return store.list();
    }
    return store.find(filter.get()).map(List::of).orElse(List.of());
  }

  /**
   * Removes what a name refers to: a tag is untagged (the image stays while it has other tags); an
   * id or digest removes the image with all its names. Then collects garbage. Removing what is not
   * there succeeds.
   */
  public void remove(String name) {
    Optional<ImageRecord> found = store.find(name);
    if (found.isEmpty()) {
      return;
    }
    ImageRecord image = found.get();
    boolean byTag =
        ImageStore.asId(name).isEmpty() && ImageReference.parse(name).digest().isEmpty();
    if (byTag) {
      store.untag(image, ImageReference.parse(name).toString());
    } else {
      store.delete(image.id());
    }
    collectGarbage();
  }

  /** Deletes content blobs and unpacked layers that no image and no container references. */
  public void collectGarbage() {
    gcLock.writeLock().lock();
    try {
      Set<Digest> blobs = store.referencedBlobs();
      for (Digest d : content.list()) {
        if (!blobs.contains(d)) {
          content.delete(d);
        }
      }
      Set<Digest> chains = store.referencedChainIds();
      Set<Path> inUse = layerDirsInUse.get();
      for (LayerStore.Layer l : layers.list()) {
        if (!chains.contains(l.chainId()) && !inUse.contains(l.diffPath())) {
          layers.remove(l.chainId());
        }
      }
    } finally {
      gcLock.writeLock().unlock();
    }
  }

  /** Bytes and inodes used by content and layers, on the filesystem holding the root. */
  public FsUsage fsUsage() {
    LayerStore.Usage u = layers.usage();
    long contentBytes = content.totalBytes();
    long contentFiles = content.list().size();
    return new FsUsage(
        mountPointOf(root),
        u.bytes() + contentBytes,
        u.inodes() + contentFiles,
        toNanos(Instant.now()));
  }

  /** ImageStatus' verbose info: the image's chain id and its OCI configuration. */
  public Map<String, String> verboseInfo(ImageRecord image) {
    try {
      ObjectNode info = JSON.createObjectNode();
      info.put("imageId", image.id().toString());
      info.put("chainID", image.topChainId().toString());
      info.set("imageSpec", JSON.readTree(content.read(image.id())));
      return Map.of("info", JSON.writeValueAsString(info));
    } catch (IOException e) {
      throw new InternalException("image " + image.id() + ": encode info: " + e.getMessage(), e);
    }
  }

  /** The unpacked layer directories of an image, bottom first (for container rootfs). */
  public List<Path> layerPaths(ImageRecord image) {
    List<Path> paths = new ArrayList<>();
    for (ImageRecord.Layer l : image.layers()) {
      paths.add(layers.path(l.chainId()));
    }
    return paths;
  }

  static Path mountPointOf(Path dir) {
    Path abs = dir.toAbsolutePath().normalize();
    Path best = Path.of("/");
    for (MountInfo m : MountInfo.current()) {
      Path mp = Path.of(m.mountPoint());
      if (abs.startsWith(mp) && mp.getNameCount() >= best.getNameCount()) {
        best = mp;
      }
    }
    return best;
  }

  private static long toNanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }
}
