package io.tessera.storage.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.persist.AtomicFiles;
import io.tessera.storage.ref.Digest;
import io.tessera.storage.ref.ImageReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's images and the names that point at them, persisted one JSON file per image. A tag
 * names at most one image: tagging another image moves it. Thread-safe (one lock; image metadata
 * changes are rare and small).
 */
public final class ImageStore {
  private static final Logger LOG = LoggerFactory.getLogger(ImageStore.class);
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path dir;
  private final Map<Digest, ImageRecord> images = new LinkedHashMap<>();

  private ImageStore(Path dir) {
    this.dir = dir;
  }

  /**
   * Opens the store in {@code dir}, loading every image whose file and configuration blob are
   * intact. A broken one is logged and its file removed, never fatal.
   *
   * @param configReader reads a configuration blob by digest from the content store
   */
  public static ImageStore open(Path dir, Function<Digest, Optional<byte[]>> configReader) {
    ImageStore store = new ImageStore(dir);
    try {
      Files.createDirectories(dir);
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          if (AtomicFiles.isTempFile(f)) {
            Files.deleteIfExists(f);
          } else if (f.getFileName().toString().endsWith(".json")) {
            store.load(f, configReader);
          }
        }
      }
    } catch (IOException e) {
      throw new InternalException("open image store " + dir + ": " + e.getMessage(), e);
    }
    return store;
  }

  private void load(Path f, Function<Digest, Optional<byte[]>> configReader) {
    try {
      ImageRecordJson j = JSON.readValue(f.toFile(), ImageRecordJson.class);
      if (j.version != ImageRecordJson.CURRENT_VERSION) {
        throw new IOException("unsupported version " + j.version);
      }
      Digest id = Digest.parse(j.id);
      byte[] config =
          configReader
              .apply(id)
              .orElseThrow(() -> new IOException("configuration blob " + id + " is missing"));
      ImageRecord r = fromJson(j, ImageConfigTranslator.parse(config));
      images.put(r.id(), r);
    } catch (IOException | RuntimeException e) {
      LOG.warn("dropping broken image record {}: {}", f, e.getMessage());
      try {
        Files.deleteIfExists(f);
      } catch (IOException suppressed) {
        LOG.warn("could not remove {}: {}", f, suppressed.getMessage());
      }
    }
  }

  public synchronized List<ImageRecord> list() {
    return List.copyOf(images.values());
  }

  public synchronized Optional<ImageRecord> get(Digest id) {
    return Optional.ofNullable(images.get(id));
  }

  /**
   * Finds an image by id ({@code sha256:<hex>} or the bare hex), by a reference with a digest
   * (matched against repo digests) or by a tag (matched against repo tags, after normalisation:
   * {@code busybox} finds {@code docker.io/library/busybox:latest}).
   *
   * @throws InvalidArgumentException when the name is neither an id nor a valid reference
   */
  public synchronized Optional<ImageRecord> find(String name) {
    Optional<Digest> id = asId(name);
    if (id.isPresent()) {
      return Optional.ofNullable(images.get(id.get()));
    }
    ImageReference ref = ImageReference.parse(name);
    String key = ref.toString();
    for (ImageRecord r : images.values()) {
      if (ref.digest().isPresent()
          ? r.repoDigests().contains(digestName(ref))
          : r.repoTags().contains(key)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /** {@code sha256:<64 hex>} or 64 bare hex digits name an image id. */
  static Optional<Digest> asId(String name) {
    if (name.matches("[a-f0-9]{64}")) {
      return Optional.of(Digest.parse("sha256:" + name));
    }
    if (name.startsWith("sha256:") && !name.contains("/")) {
      return Optional.of(Digest.parse(name));
    }
    return Optional.empty();
  }

  /** The repo digest spelling of a digested reference: {@code registry/repo@sha256:...}. */
  static String digestName(ImageReference ref) {
    return ref.registry() + "/" + ref.repository() + "@" + ref.digest().orElseThrow();
  }

  /**
   * Records a pulled image under its names, merging with what is known of the same id. A tag that
   * named another image is moved here; an image left with no tag and no digest name is kept
   * (kubelet's image GC removes it).
   *
   * @return the stored record
   */
  public synchronized ImageRecord add(ImageRecord pulled) {
    for (String tag : pulled.repoTags()) {
      for (ImageRecord other : List.copyOf(images.values())) {
        if (!other.id().equals(pulled.id()) && other.repoTags().contains(tag)) {
          persist(other.withoutTag(tag));
        }
      }
    }
    ImageRecord existing = images.get(pulled.id());
    ImageRecord merged =
        existing == null
            ? pulled
            : existing.withNames(pulled.repoTags(), pulled.repoDigests(), pulled.manifestDigests());
    persist(merged);
    return merged;
  }

  /** Removes one tag; the image stays while it has other tags, and goes with its last one. */
  public synchronized Optional<ImageRecord> untag(ImageRecord image, String tag) {
    ImageRecord r = images.get(image.id());
    if (r == null) {
      return Optional.empty();
    }
    ImageRecord left = r.withoutTag(tag);
    if (left.repoTags().isEmpty()) {
      delete(r.id());
      return Optional.empty();
    }
    persist(left);
    return Optional.of(left);
  }

  /** Removes the image with all its names. Idempotent. */
  public synchronized void delete(Digest id) {
    if (images.remove(id) != null) {
      try {
        Files.deleteIfExists(file(id));
      } catch (IOException e) {
        throw new InternalException("remove image record " + id + ": " + e.getMessage(), e);
      }
    }
  }

  /** Content digests (manifests, configs, layer blobs) that some image needs. */
  public synchronized Set<Digest> referencedBlobs() {
    Set<Digest> s = new HashSet<>();
    for (ImageRecord r : images.values()) {
      s.add(r.id());
      s.addAll(r.manifestDigests());
      r.layers().forEach(l -> s.add(l.blob()));
    }
    return s;
  }

  /** Chain ids of unpacked layers that some image needs. */
  public synchronized Set<Digest> referencedChainIds() {
    Set<Digest> s = new HashSet<>();
    for (ImageRecord r : images.values()) {
      r.layers().forEach(l -> s.add(l.chainId()));
    }
    return s;
  }

  private void persist(ImageRecord r) {
    try {
      AtomicFiles.write(file(r.id()), JSON.writeValueAsBytes(toJson(r)));
    } catch (IOException e) {
      throw new InternalException("write image record " + r.id() + ": " + e.getMessage(), e);
    }
    images.put(r.id(), r);
  }

  private Path file(Digest id) {
    return dir.resolve(id.hex() + ".json");
  }

  static ImageRecordJson toJson(ImageRecord r) {
    ImageRecordJson j = new ImageRecordJson();
    j.version = ImageRecordJson.CURRENT_VERSION;
    j.id = r.id().toString();
    j.repoTags = r.repoTags();
    j.repoDigests = r.repoDigests();
    j.manifestDigests = r.manifestDigests().stream().map(Digest::toString).sorted().toList();
    j.layers = new ArrayList<>();
    for (ImageRecord.Layer l : r.layers()) {
      ImageRecordJson.LayerJson lj = new ImageRecordJson.LayerJson();
      lj.blob = l.blob().toString();
      lj.mediaType = l.mediaType();
      lj.size = l.size();
      lj.diffId = l.diffId().toString();
      lj.chainId = l.chainId().toString();
      j.layers.add(lj);
    }
    j.pinned = r.pinned();
    return j;
  }

  static ImageRecord fromJson(ImageRecordJson j, ImageConfig config) {
    List<ImageRecord.Layer> layers = new ArrayList<>();
    for (ImageRecordJson.LayerJson l : nonNull(j.layers)) {
      layers.add(
          new ImageRecord.Layer(
              Digest.parse(l.blob),
              l.mediaType,
              l.size,
              Digest.parse(l.diffId),
              Digest.parse(l.chainId)));
    }
    Set<Digest> manifests = new HashSet<>();
    nonNull(j.manifestDigests).forEach(d -> manifests.add(Digest.parse(d)));
    return new ImageRecord(
        Digest.parse(j.id),
        nonNull(j.repoTags),
        nonNull(j.repoDigests),
        manifests,
        layers,
        config,
        j.pinned);
  }

  private static <T> List<T> nonNull(Collection<T> c) {
    return c == null ? List.of() : List.copyOf(c);
  }
}
