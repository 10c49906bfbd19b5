package io.tessera.storage.content;

import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.NotFoundException;
import io.tessera.kernel.errors.ResourceExhaustedException;
import io.tessera.kernel.errors.TesseraException;
import io.tessera.kernel.errors.UnavailableException;
import io.tessera.storage.ref.Digest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blobs by digest under {@code <root>/content}: image manifests, configs and compressed layers,
 * each stored once, verified, and never modified.
 *
 * <p>{@link #ingest} writes to a private temp file under {@code content/ingest}, checks the length
 * and the digest, fsyncs, and renames into {@code content/blobs/<alg>/<hex>}: a blob path either
 * does not exist or holds exactly the content its name says. A failed ingest leaves nothing behind.
 * Concurrent ingests of one digest within this process are single-flight: one caller's writer runs,
 * the others wait and get its result or its failure (an interrupted leader fails its followers too;
 * they may simply ingest again).
 *
 * <p>One {@code ContentStore} per root per process: {@link #open} deletes leftover ingest files
 * (from a crash), which would break another live instance's downloads. Thread-safe. Deleting a blob
 * that an image still uses is the caller's business (the image store's garbage collection).
 */
public final class ContentStore {

  private static final Logger LOG = LoggerFactory.getLogger(ContentStore.class);

  private final ContentLayout layout;
  private final ConcurrentMap<Digest, CompletableFuture<Path>> inflight = new ConcurrentHashMap<>();

  private ContentStore(ContentLayout layout) {
    this.layout = layout;
  }

  /**
   * Opens (creating if needed) the store under {@code root} and removes leftover ingest files.
   *
   * @throws UncheckedIOException when the directories cannot be created
   */
  public static ContentStore open(Path root) {
    ContentLayout layout = new ContentLayout(root);
    try {
      Files.createDirectories(layout.algorithmDir(Digest.SHA256));
      Files.createDirectories(layout.ingestDir());
      try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(layout.ingestDir())) {
        for (Path p : leftovers) {
          LOG.info("content store: removing leftover ingest file {}", p);
          deleteRecursively(p);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("open content store under " + layout.contentDir(), e);
    }
    return new ContentStore(layout);
  }

  /** True when the blob is stored. */
  public boolean has(Digest digest) {
    return Files.isRegularFile(layout.blob(digest));
  }

  /** The path of the stored blob, if it is stored. Read it; never write it. */
  public Optional<Path> path(Digest digest) {
    Path p = layout.blob(digest);
    return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
  }

  /**
   * The whole content of a (small) stored blob, such as a manifest or config.
   *
   * @throws NotFoundException when it is not stored
   */
  public byte[] read(Digest digest) {
    try {
      return Files.readAllBytes(layout.blob(digest));
    } catch (NoSuchFileException e) {
      throw new NotFoundException("content " + digest + ": not in the content store", e);
    } catch (IOException e) {
      throw new InternalException("content " + digest + ": read failed", e);
    }
  }

  /**
   * Stores {@code content}, which must have digest {@code expected}; idempotent.
   *
   * @return the blob's path
   * @throws FailedPreconditionException when the content does not match {@code expected}
   */
  public Path write(Digest expected, byte[] content) {
    return ingest(expected, content.length, sink -> sink.write(content, 0, content.length));
  }

  /**
   * Stores blob {@code expected} of {@code size} bytes, produced by {@code writer}, unless it is
   * already stored; idempotent. When another thread is ingesting the same digest, waits for it and
   * returns (or throws) its outcome instead of running {@code writer}.
   *
   * @return the blob's path
   * @throws FailedPreconditionException when what the writer produced has another length or digest
   * @throws ResourceExhaustedException when the disk is full
   * @throws TesseraException whatever the writer threw (a download failure, say), unchanged
   */
  public Path ingest(Digest expected, long size, BlobWriter writer) {
    if (size < 0) {
      throw new InvalidArgumentException("ingest " + expected + ": negative size " + size);
    }
    while (true) {
      Optional<Path> existing = path(expected);
      if (existing.isPresent()) {
        return existing.get();
      }
      CompletableFuture<Path> mine = new CompletableFuture<>();
      CompletableFuture<Path> running = inflight.putIfAbsent(expected, mine);
      if (running == null) {
        return lead(expected, size, writer, mine);
      }
      try {
        return running.get();
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof TesseraException te) {
          throw TesseraException.sameKind(
              te, "ingest " + expected + " (shared download): " + te.getMessage());
        }
        throw new InternalException("ingest " + expected + " (shared download) failed", cause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UnavailableException("ingest " + expected + ": interrupted while waiting", e);
      }
    }
  }

  private Path lead(Digest expected, long size, BlobWriter writer, CompletableFuture<Path> mine) {
    try {
      // A previous leader may have committed between our check and taking the lead.
      Path p = path(expected).orElseGet(() -> ingestNow(expected, size, writer));
      mine.complete(p);
      return p;
    } catch (RuntimeException | Error e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      inflight.remove(expected, mine);
    }
  }

  private Path ingestNow(Digest expected, long size, BlobWriter writer) {
    Path temp = layout.newIngestFile(expected);
    Path target = layout.blob(expected);
    boolean committed = false;
    try {
      Files.createDirectories(target.getParent());
      try (IngestSink sink = new IngestSink(temp, expected)) {
        writer.write(sink);
        if (sink.position() != size) {
          throw new FailedPreconditionException(
              "ingest " + expected + ": got " + sink.position() + " bytes, expected " + size);
        }
        Digest actual = sink.digest();
        if (!actual.equals(expected)) {
          throw new FailedPreconditionException(
              "ingest " + expected + ": content has digest " + actual);
        }
        sink.sync();
      }
      Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("r--r--r--"));
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      committed = true;
      syncDirectory(target.getParent());
      return target;
    } catch (FileSystemException e) {
      if (e.getMessage() != null && e.getMessage().contains("No space left on device")) {
        throw new ResourceExhaustedException(
            "ingest " + expected + ": no space left under " + layout.contentDir(), e);
      }
      throw new InternalException("ingest " + expected + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new InternalException("ingest " + expected + ": " + e.getMessage(), e);
    } finally {
      if (!committed) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException e) {
          LOG.warn("content store: cannot remove ingest file {}: {}", temp, e.toString());
        }
      }
    }
  }

  /**
   * Removes a stored blob; idempotent.
   *
   * @return true when it was there
   */
  public boolean delete(Digest digest) {
    try {
      return Files.deleteIfExists(layout.blob(digest));
    } catch (IOException e) {
      throw new InternalException("delete content " + digest + ": " + e.getMessage(), e);
    }
  }

  /** Every stored blob, sorted by digest string. Files whose names are not digests are skipped. */
  public List<Digest> list() {
    List<Digest> out = new ArrayList<>();
    try (DirectoryStream<Path> algorithms = Files.newDirectoryStream(layout.blobsDir())) {
      for (Path algDir : algorithms) {
        if (!Files.isDirectory(algDir)) {
          continue;
        }
        try (DirectoryStream<Path> blobs = Files.newDirectoryStream(algDir)) {
          for (Path blob : blobs) {
            try {
              out.add(new Digest(algDir.getFileName().toString(), blob.getFileName().toString()));
            } catch (InvalidArgumentException e) {
              LOG.warn("content store: ignoring stray file {}", blob);
            }
          }
        }
      }
    } catch (IOException e) {
      throw new InternalException("list content under " + layout.blobsDir(), e);
    }
    out.sort(Comparator.comparing(Digest::toString));
    return out;
  }

  /** The total size of the stored blobs, in bytes. */
  public long totalBytes() {
    long total = 0;
    for (Digest d : list()) {
      try {
        total += Files.size(layout.blob(d));
      } catch (NoSuchFileException e) {
        // deleted meanwhile
      } catch (IOException e) {
        throw new InternalException("size of content " + d, e);
      }
    }
    return total;
  }

  /** The ingest files now present (downloads in progress); for tests and diagnostics. */
  List<Path> ingestFiles() {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(layout.ingestDir())) {
      files.forEach(out::add);
    } catch (IOException e) {
      throw new InternalException("list " + layout.ingestDir(), e);
    }
    return out;
  }

  private static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  private static void deleteRecursively(Path p) throws IOException {
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      try (DirectoryStream<Path> children = Files.newDirectoryStream(p)) {
        for (Path c : children) {
          deleteRecursively(c);
        }
      }
    }
    Files.deleteIfExists(p);
  }
}
