package io.tessera.storage.layer;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.NotFoundException;
import io.tessera.kernel.errors.TesseraException;
import io.tessera.kernel.errors.UnavailableException;
import io.tessera.kernel.fs.FileOps;
import io.tessera.storage.ref.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unpacked image layers under {@code <root>/layers}, keyed by chain id; the one owner of that
 * layout:
 *
 * <pre>
 * layers/sha256/&lt;chain id hex&gt;/diff        the unpacked tree, an overlayfs lower directory
 * layers/sha256/&lt;chain id hex&gt;/layer.json  diff id, parent chain id, sizes (LayerMetadataJson)
 * layers/tmp/&lt;random&gt;/                    layers being unpacked or removed
 * </pre>
 *
 * <p>A layer is unpacked under {@code tmp/} on the same file system, checked, flushed (syncfs) and
 * renamed into place, so {@code sha256/} only ever holds complete layers. Construction sweeps
 * {@code tmp/} and drops entries without valid metadata (left by a crash); it assumes one store
 * instance per root (the daemon holds a lock on its state directory).
 *
 * <p>Thread-safe. {@link #ensure} is idempotent and single-flight per chain id: concurrent callers
 * for the same layer wait for one unpack and share its outcome. {@link #remove} waits for an
 * in-flight {@code ensure} of the same layer.
 */
public final class LayerStore {

  private static final Logger log = LoggerFactory.getLogger(LayerStore.class);
  private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");
  private static final String METADATA = "layer.json";
  private static final String DIFF = "diff";

  /**
   * An unpacked layer.
   *
   * @param parentChainId chain id of the layer below, {@code null} for a bottom layer
   * @param uncompressedSize bytes of the uncompressed tar the layer came from
   * @param diffPath the unpacked tree, usable as an overlayfs lowerdir
   */
  public record Layer(
      Digest chainId, Digest parentChainId, Digest diffId, long uncompressedSize, Path diffPath) {}

  /**
   * Space used by the store.
   *
   * @param bytes apparent size of all files, each inode counted once
   * @param inodes distinct inodes
   */
  public record Usage(long bytes, long inodes) {}

  private final Path layers;
  private final Path committed;
  private final Path tmp;
  private final LayerUnpacker unpacker;
  private final FileOps ops;
  private final ObjectMapper json = new ObjectMapper();
  private final ConcurrentHashMap<Digest, CompletableFuture<Layer>> inFlight =
      new ConcurrentHashMap<>();

  /**
   * Opens (creating if needed) the store under {@code root/layers} and cleans up after a crash.
   *
   * @param root the daemon's persistent root, e.g. {@code /var/lib/tessera}
   */
  public LayerStore(Path root, LayerUnpacker unpacker, FileOps ops) {
    this.layers = root.resolve("layers");
    this.committed = layers.resolve("sha256");
    this.tmp = layers.resolve("tmp");
    this.unpacker = unpacker;
    this.ops = ops;
    try {
      Files.createDirectories(committed);
      Files.createDirectories(tmp);
      ops.chmod(layers, 0700);
      ops.chmod(tmp, 0700);
    } catch (IOException e) {
      throw new InternalException("create layer store " + layers + ": " + e, e);
    }
    recover();
  }

  /**
   * Returns the layer {@code chainId}, unpacking it from {@code blob} first if it is not in the
   * store.
   *
   * @param chainId the layer's chain id; must equal {@code ChainIds.next(parentChainId,
   *     expectedDiffId)}
   * @param parentChainId the chain id of the layer below (already in this store), or {@code null}
   *     for the bottom layer
   * @param expectedDiffId the diff id the image config lists for this layer
   * @param blob opens the layer blob; not called when the layer is present
   * @throws InvalidArgumentException if the chain id does not fit, the computed diff id differs
   *     from {@code expectedDiffId}, or the layer is refused by {@link LayerUnpacker}
   * @throws FailedPreconditionException if the parent layer is not in the store
   */
  public Layer ensure(
      Digest chainId,
      Digest parentChainId,
      Digest expectedDiffId,
      Compression compression,
      InputSupplier blob) {
    Digest computed = ChainIds.next(parentChainId, expectedDiffId);
    if (!computed.equals(chainId)) {
      throw new InvalidArgumentException(
          "layer "
              + chainId
              + ": chain id does not match parent "
              + parentChainId
              + " and diff id "
              + expectedDiffId
              + " (that is "
              + computed
              + ")");
    }
    while (true) {
      Optional<Layer> present = get(chainId);
      if (present.isPresent()) {
        return present.get();
      }
      CompletableFuture<Layer> mine = new CompletableFuture<>();
      CompletableFuture<Layer> running = inFlight.putIfAbsent(chainId, mine);
      if (running != null) {
        Layer shared = await(running, chainId);
        if (shared != null) {
          return shared;
        }
        continue; // that was a remove; look again
      }
      try {
        Layer layer =
            get(chainId)
                .orElseGet(() -> unpack(chainId, parentChainId, expectedDiffId, compression, blob));
        mine.complete(layer);
        return layer;
      } catch (RuntimeException e) {
        mine.completeExceptionally(e);
        throw e;
      } finally {
        inFlight.remove(chainId, mine);
      }
    }
  }

  /** The layer {@code chainId} if it is in the store. */
  public Optional<Layer> get(Digest chainId) {
    Path dir = committed.resolve(chainId.hex());
    Path metadata = dir.resolve(METADATA);
    if (!Files.isRegularFile(metadata, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    try {
      return Optional.of(read(dir));
    } catch (IOException | TesseraException e) {
      throw new InternalException("read layer " + chainId + " metadata: " + e.getMessage(), e);
    }
  }

  /**
   * The unpacked tree of {@code chainId}.
   *
   * @throws NotFoundException if the layer is not in the store
   */
  public Path path(Digest chainId) {
    return get(chainId)
        .orElseThrow(() -> new NotFoundException("layer " + chainId + " is not in the store"))
        .diffPath();
  }

  /**
   * Removes the layer {@code chainId}: it leaves {@code sha256/} atomically, then its files are
   * deleted. Idempotent. The caller makes sure no mount or child unpack still uses it.
   *
   * @return whether the layer was present
   */
  public boolean remove(Digest chainId) {
    while (true) {
      CompletableFuture<Layer> mine = new CompletableFuture<>();
      CompletableFuture<Layer> running = inFlight.putIfAbsent(chainId, mine);
      if (running != null) {
        try {
          await(running, chainId);
        } catch (TesseraException e) {
          // A failed unpack left nothing; removing goes ahead.
        }
        continue;
      }
      try {
        Path dir = committed.resolve(chainId.hex());
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
          return false;
        }
        Path doomed = tmp.resolve("rm-" + UUID.randomUUID());
        try {
          Files.move(dir, doomed, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
          throw new InternalException("remove layer " + chainId + ": " + e, e);
        }
        deleteQuietly(doomed);
        return true;
      } finally {
        inFlight.remove(chainId, mine);
        mine.complete(null);
      }
    }
  }

  /** All layers in the store, in no particular order. */
  public List<Layer> list() {
    List<Layer> result = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(committed)) {
      for (Path dir : dirs) {
        try {
          result.add(read(dir));
        } catch (IOException | TesseraException e) {
          log.warn("layer store: skipping unreadable layer {}: {}", dir, e.getMessage());
        }
      }
    } catch (IOException e) {
      throw new InternalException("list layers in " + committed + ": " + e, e);
    }
    result.sort(Comparator.comparing(l -> l.chainId().toString()));
    return List.copyOf(result);
  }

  /** Bytes and inodes used under {@code layers/} (walks the trees). */
  public Usage usage() {
    Set<Object> seen = new HashSet<>();
    long[] bytes = {0};
    try {
      Files.walkFileTree(
          layers,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              count(attrs);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              count(attrs);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) {
              return FileVisitResult.CONTINUE; // removed while walking
            }

            private void count(BasicFileAttributes attrs) {
              if (seen.add(attrs.fileKey())) {
                bytes[0] += attrs.size();
              }
            }
          });
    } catch (IOException e) {
      throw new InternalException("usage of " + layers + ": " + e, e);
    }
    return new Usage(bytes[0], seen.size());
  }

  private Layer unpack(
      Digest chainId,
      Digest parentChainId,
      Digest expectedDiffId,
      Compression compression,
      InputSupplier blob) {
    List<Path> lowers = lowerDirs(chainId, parentChainId);
    Path work = tmp.resolve(UUID.randomUUID().toString());
    boolean done = false;
    try {
      Files.createDirectory(work);
      ops.chmod(work, 0700);
      UnpackResult result;
      try (InputStream in = blob.open()) {
        result = unpacker.unpack(in, compression, work.resolve(DIFF), lowers);
      }
      if (!result.diffId().equals(expectedDiffId)) {
        throw new InvalidArgumentException(
            "layer "
                + chainId
                + ": diff id mismatch: the image config says "
                + expectedDiffId
                + ", the layer content hashes to "
                + result.diffId());
      }
      writeMetadata(
          work,
          new LayerMetadataJson(
              LayerMetadataJson.VERSION,
              chainId.toString(),
              parentChainId == null ? null : parentChainId.toString(),
              result.diffId().toString(),
              result.uncompressedSize(),
              result.entries()));
      ops.syncFilesystem(work);
      Path dir = committed.resolve(chainId.hex());
      Files.move(work, dir, StandardCopyOption.ATOMIC_MOVE);
      done = true;
      log.info(
          "layer {} unpacked: {} entries, {} bytes",
          chainId,
          result.entries(),
          result.uncompressedSize());
      return read(dir);
    } catch (TesseraException e) {
      if (e.getMessage().startsWith("layer " + chainId)) {
        throw e;
      }
      throw TesseraException.sameKind(e, "layer " + chainId + ": " + e.getMessage());
    } catch (IOException e) {
      throw new InternalException("layer " + chainId + ": " + e, e);
    } finally {
      if (!done) {
        deleteQuietly(work);
      }
    }
  }

  /** The diff directories below {@code chainId}, the direct parent first. */
  private List<Path> lowerDirs(Digest chainId, Digest parentChainId) {
    List<Path> lowers = new ArrayList<>();
    Set<Digest> visited = new HashSet<>();
    Digest next = parentChainId;
    while (next != null) {
      if (!visited.add(next)) {
        throw new InternalException("layer " + chainId + ": parent chain loops at " + next);
      }
      Digest current = next;
      Layer parent =
          get(current)
              .orElseThrow(
                  () ->
                      new FailedPreconditionException(
                          "layer " + chainId + ": parent layer " + current + " is not unpacked"));
      lowers.add(parent.diffPath());
      next = parent.parentChainId();
    }
    return lowers;
  }

  private void writeMetadata(Path dir, LayerMetadataJson metadata) throws IOException {
    byte[] bytes = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(metadata);
    // Written inside the not yet committed directory, so the directory rename is the atomic step.
    try (FileChannel ch =
        FileChannel.open(
            dir.resolve(METADATA), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(bytes));
      ch.force(true);
    }
  }

  private Layer read(Path dir) throws IOException {
    LayerMetadataJson m = json.readValue(dir.resolve(METADATA).toFile(), LayerMetadataJson.class);
    if (m.version() != LayerMetadataJson.VERSION) {
      throw new IOException("unsupported layer metadata version " + m.version());
    }
    Digest chainId = Digest.parse(m.chainId());
    if (!chainId.hex().equals(dir.getFileName().toString())) {
      throw new IOException("metadata names chain id " + chainId + " in " + dir);
    }
    Path diff = dir.resolve(DIFF);
    if (!Files.isDirectory(diff, LinkOption.NOFOLLOW_LINKS)) {
      throw new NoSuchFileException(diff.toString());
    }
    return new Layer(
        chainId,
        m.parentChainId() == null ? null : Digest.parse(m.parentChainId()),
        Digest.parse(m.diffId()),
        m.uncompressedSize(),
        diff);
  }

  private void recover() {
    try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(tmp)) {
      for (Path p : leftovers) {
        log.info("layer store: removing leftover {}", p);
        deleteQuietly(p);
      }
    } catch (IOException e) {
      throw new InternalException("sweep " + tmp + ": " + e, e);
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(committed)) {
      for (Path dir : dirs) {
        boolean valid;
        try {
          valid = HEX.matcher(dir.getFileName().toString()).matches() && read(dir) != null;
        } catch (IOException | TesseraException e) {
          valid = false;
        }
        if (!valid) {
          log.warn("layer store: removing broken layer directory {}", dir);
          Path doomed = tmp.resolve("rm-" + UUID.randomUUID());
          try {
            Files.move(dir, doomed, StandardCopyOption.ATOMIC_MOVE);
          } catch (IOException e) {
            throw new InternalException("remove broken layer " + dir + ": " + e, e);
          }
          deleteQuietly(doomed);
        }
      }
    } catch (IOException e) {
      throw new InternalException("scan " + committed + ": " + e, e);
    }
  }

  private Layer await(CompletableFuture<Layer> running, Digest chainId) {
    try {
      return running.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("layer " + chainId + ": interrupted while waiting", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TesseraException t) {
        throw t;
      }
      throw new InternalException("layer " + chainId + ": " + e.getCause(), e.getCause());
    }
  }

  private void deleteQuietly(Path p) {
    try {
      Trees.deleteRecursively(p, ops);
    } catch (IOException | TesseraException e) {
      log.error("layer store: could not remove {}", p, e);
    }
  }
}
