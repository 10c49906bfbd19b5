package io.tessera.storage.snapshot;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.kernel.errors.AlreadyExistsException;
import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.NotFoundException;
import io.tessera.kernel.errors.TesseraException;
import io.tessera.kernel.fs.FileOps;
import io.tessera.kernel.fs.ProjectQuotas;
import io.tessera.kernel.mount.MountInfo;
import io.tessera.kernel.persist.AtomicFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Snapshotter} on overlayfs; the one owner of this layout under the daemon's root:
 *
 * <pre>
 * snapshots/&lt;key&gt;/fs             the writable layer (overlayfs upperdir)
 * snapshots/&lt;key&gt;/work           overlayfs workdir
 * snapshots/&lt;key&gt;/snapshot.json  the lower directories (SnapshotJson)
 * snapshots/.tmp-*, .rm-*         snapshots being created or removed
 * layers/l/&lt;id&gt;                  short links to layer directories (LayerLinks)
 * </pre>
 *
 * <p>A snapshot directory is built complete under a temp name and renamed into place, so {@code
 * snapshots/<key>} exists only with its metadata. Construction sweeps leftovers of a crash; it
 * assumes one instance per root (the daemon holds a lock on its state directory).
 *
 * <p>The mount is an overlay of the layers (topmost first) under {@code fs}/{@code work}, with
 * absolute paths while they fit well within one page of mount data, otherwise with {@code l/<id>}
 * links relative to the working directory {@code layers/}.
 *
 * <p>Size caps: when constructed with {@link ProjectQuotas} and the snapshots directory is on XFS
 * mounted with prjquota ({@link QuotaSupport#detect}), a snapshot prepared with a size gets its own
 * XFS project id on {@code snapshots/<key>} with inheritance (so {@code fs} and {@code work} share
 * it: overlayfs renames from work into the upper dir, which XFS refuses across projects) and a hard
 * block limit; writes past it fail with ENOSPC. Removal clears the limit once the tree is gone.
 * Inode counts are not capped (XFS allocates inodes from the space that is capped).
 *
 * <p>With {@link QuotaBackend#LOOP} a sized snapshot's {@code fs} and {@code work} are instead on
 * its own loop-mounted ext4 image, {@code snapshots/<key>/layer/{fs,work}} over {@code
 * snapshots/<key>/layer.img} ({@link LoopLayers}); removal unmounts it (the loop device clears
 * itself) and deletes the image. At construction such layers are mounted again when they are not
 * (after a reboot), and leftovers of interrupted creates are unmounted before they are deleted.
 *
 * <p>Thread-safe: {@link #prepare} and {@link #remove} are serialized; readers see a snapshot
 * either absent or complete.
 */
public final class OverlaySnapshotter implements Snapshotter {
  private static final Logger log = LoggerFactory.getLogger(OverlaySnapshotter.class);

  private static final String METADATA = "snapshot.json";
  private static final String UPPER = "fs";
  private static final String WORK = "work";
  private static final String TEMP_PREFIX = ".tmp-";
  private static final String REMOVING_PREFIX = ".rm-";

  private final Path snapshots;
  private final Path layers;
  private final LayerLinks links;
  private final FileOps ops;
  private final ObjectMapper json = new ObjectMapper();
  private final ProjectQuotas quotaOps;
  private final ProjectIds projectIds = new ProjectIds();
  private final QuotaSupport quotas;
  private final LoopLayers loopLayers;

  /**
   * Opens (creating if needed) the snapshots under {@code root} and cleans up after a crash.
   *
   * @param root the daemon's persistent root, e.g. {@code /var/lib/tessera}, the same as the layer
   *     store's
   */
  public OverlaySnapshotter(Path root, FileOps ops) {
    this(root, ops, null);
  }

  /**
   * Like {@link #OverlaySnapshotter(Path, FileOps)}, and detects whether writable layers can be
   * capped with {@code quotaOps} (logged as "writable-layer quotas enabled on DEV" or "...off:
   * REASON"); {@code null} means never.
   */
  public OverlaySnapshotter(Path root, FileOps ops, ProjectQuotas quotaOps) {
    this(root, ops, quotaOps, null, QuotaBackend.AUTO);
  }

  /**
   * Opens the snapshots under {@code root} with the writable-layer quota {@code backend} (logged as
   * in {@link QuotaSupport#describe()}). {@code loopLayers} is also used, whatever the backend, to
   * mount and remove loop-backed layers made earlier; {@code null} only where there are none.
   *
   * @throws FailedPreconditionException when {@link QuotaBackend#XFS} or {@link QuotaBackend#LOOP}
   *     was asked for and cannot work here; the message gives the reason
   */
  public OverlaySnapshotter(
      Path root, FileOps ops, ProjectQuotas quotaOps, LoopLayers loopLayers, QuotaBackend backend) {
    this.ops = ops;
    this.quotaOps = quotaOps;
    this.loopLayers = loopLayers;
    Path real;
    try {
      Files.createDirectories(root);
      // Canonical, so upperdir in mountinfo compares equal to ours when checking for mounts.
      real = root.toRealPath();
      this.snapshots = Files.createDirectories(real.resolve("snapshots"));
      this.layers = Files.createDirectories(real.resolve("layers"));
      ops.chmod(snapshots, 0700);
    } catch (IOException e) {
      throw new InternalException("create snapshot store under " + root + ": " + e, e);
    }
    this.links = new LayerLinks(layers);
    if (quotaOps != null) {
      scanProjectIds();
    }
    this.quotas = select(backend);
    if (quotaOps != null || backend != QuotaBackend.AUTO) {
      log.info(
          "{} (quota_backend {})",
          quotas.describe(),
          backend.name().toLowerCase(java.util.Locale.ROOT));
    }
    recover();
  }

  private QuotaSupport select(QuotaBackend backend) {
    switch (backend) {
      case OFF:
        return QuotaSupport.off("quota_backend is \"off\"");
      case LOOP:
        if (loopLayers == null) {
          throw new IllegalArgumentException("the loop quota backend needs LoopLayers");
        }
        Optional<String> unusable = loopLayers.unusableReason();
        if (unusable.isPresent()) {
          throw new FailedPreconditionException(
              "quota_backend = \"loop\" cannot work here: " + unusable.get());
        }
        return QuotaSupport.loop();
      case XFS:
        QuotaSupport xfs =
            quotaOps == null
                ? QuotaSupport.off("this snapshotter was built without XFS quota support")
                : QuotaSupport.detect(snapshots, quotaOps, this::probeId);
        if (!xfs.enabled()) {
          throw new FailedPreconditionException(
              "quota_backend = \"xfs\" cannot work under " + snapshots + ": " + xfs.reason());
        }
        return xfs;
      default:
        return quotaOps == null
            ? QuotaSupport.off("this snapshotter was built without quota support")
            : QuotaSupport.detect(snapshots, quotaOps, this::probeId);
    }
  }

  @Override
  public QuotaSupport quotaSupport() {
    return quotas;
  }

  @Override
  public synchronized Snapshot prepare(
      String key, List<Path> lowerDirsBottomFirst, long sizeLimitBytes) {
    SnapshotKeys.check(key);
    checkSize(key, sizeLimitBytes);
    List<Path> lowers = checkLowers(key, lowerDirsBottomFirst);
    Optional<Snapshot> existing = get(key);
    if (existing.isPresent()) {
      long existingSize = readJson(key).sizeLimitBytes;
      if (existingSize != sizeLimitBytes) {
        throw new AlreadyExistsException(
            "prepare snapshot "
                + key
                + ": it exists with a size limit of "
                + existingSize
                + " bytes, not "
                + sizeLimitBytes);
      }
      if (!existing.get().lowerDirs().equals(lowers)) {
        throw new AlreadyExistsException(
            "prepare snapshot "
                + key
                + ": it exists over other layers ("
                + existing.get().lowerDirs().size()
                + " layers, base "
                + existing.get().lowerDirs().get(0)
                + ")");
      }
      ensureLinks(existing.get());
      return existing.get();
    }
    Path dir = snapshots.resolve(key);
    if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new InternalException(
          "prepare snapshot " + key + ": " + dir + " exists without metadata");
    }
    boolean loop = sizeLimitBytes > 0 && quotas.backend() == QuotaBackend.LOOP;
    Snapshot snapshot = describe(key, lowers, loop);
    ensureLinks(snapshot);
    Path temp = snapshots.resolve(TEMP_PREFIX + UUID.randomUUID());
    boolean done = false;
    boolean mounted = false;
    int projectId = 0;
    long started = System.nanoTime();
    try {
      Files.createDirectory(temp);
      ops.chmod(temp, 0700);
      Path base = temp;
      if (loop) {
        loopLayers.create(temp, sizeLimitBytes);
        mounted = true;
        base = LoopLayers.mountPoint(temp);
      } else if (sizeLimitBytes > 0) {
        // Before fs and work exist, so that both inherit the project.
        projectId = allocateProjectId();
        quotaOps.assignProject(temp, projectId);
        quotaOps.setLimits(quotas.device().orElseThrow(), projectId, sizeLimitBytes, 0);
      }
      Path upper = Files.createDirectory(base.resolve(UPPER));
      copyRootAttributes(lowers.get(lowers.size() - 1), upper);
      ops.chmod(Files.createDirectory(base.resolve(WORK)), 0700);
      AtomicFiles.write(
          temp.resolve(METADATA), toJson(key, lowers, sizeLimitBytes, projectId, loop));
      // The layer's mount moves along with its parent directory.
      Files.move(temp, dir, StandardCopyOption.ATOMIC_MOVE);
      AtomicFiles.fsyncDirectory(snapshots);
      done = true;
    } catch (IOException e) {
      throw new InternalException("prepare snapshot " + key + ": " + e, e);
    } catch (TesseraException e) {
      throw new InternalException("prepare snapshot " + key + ": " + e.getMessage(), e);
    } finally {
      if (!done) {
        if (mounted) {
          unmountLeftover(temp);
        }
        deleteQuietly(temp);
        if (projectId > 0 && !Files.exists(temp, LinkOption.NOFOLLOW_LINKS)) {
          clearQuota(projectId);
        }
      }
    }
    long millis = (System.nanoTime() - started) / 1_000_000;
    if (loop) {
      log.info(
          "snapshot {} prepared over {} layers on a {}-byte loop-mounted ext4 image in {} ms",
          key,
          lowers.size(),
          sizeLimitBytes,
          millis);
    } else if (sizeLimitBytes > 0) {
      log.info(
          "snapshot {} prepared over {} layers, capped at {} bytes (project {})",
          key,
          lowers.size(),
          sizeLimitBytes,
          projectId);
    } else {
      log.info("snapshot {} prepared over {} layers", key, lowers.size());
    }
    return snapshot;
  }

  @Override
  public Optional<Snapshot> get(String key) {
    SnapshotKeys.check(key);
    Path metadata = snapshots.resolve(key).resolve(METADATA);
    if (!Files.isRegularFile(metadata, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    try {
      SnapshotJson j = readChecked(key, metadata);
      return Optional.of(describe(key, j.lowerDirs.stream().map(Path::of).toList(), isLoop(j)));
    } catch (IOException | TesseraException e) {
      throw new InternalException("read snapshot " + key + " metadata: " + e.getMessage(), e);
    }
  }

  @Override
  public List<String> list() {
    List<String> keys = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(snapshots)) {
      for (Path dir : dirs) {
        String name = dir.getFileName().toString();
        if (SnapshotKeys.isValid(name)
            && Files.isRegularFile(dir.resolve(METADATA), LinkOption.NOFOLLOW_LINKS)) {
          keys.add(name);
        }
      }
    } catch (IOException e) {
      throw new InternalException("list snapshots in " + snapshots + ": " + e, e);
    }
    keys.sort(null);
    return List.copyOf(keys);
  }

  @Override
  public synchronized void remove(String key) {
    SnapshotKeys.check(key);
    Path dir = snapshots.resolve(key);
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    boolean loop = isLoopLayer(dir);
    List<String> users = mountsUsing(dir, loop);
    if (!users.isEmpty()) {
      throw new FailedPreconditionException(
          "remove snapshot " + key + ": still mounted at " + String.join(", ", users));
    }
    if (loop && loopLayers != null) {
      // Before the rename: if the layer is busy, the snapshot stays whole and the caller may retry.
      try {
        loopLayers.unmount(dir, false);
      } catch (TesseraException e) {
        throw new FailedPreconditionException(
            "remove snapshot " + key + ": unmount its layer file system: " + e.getMessage(), e);
      }
    }
    int projectId = projectIdOf(dir);
    Path doomed = snapshots.resolve(REMOVING_PREFIX + UUID.randomUUID());
    try {
      Files.move(dir, doomed, StandardCopyOption.ATOMIC_MOVE);
      AtomicFiles.fsyncDirectory(snapshots);
    } catch (IOException e) {
      throw new InternalException("remove snapshot " + key + ": " + e, e);
    }
    // The key is gone now; a tree that cannot be deleted is swept again at the next start.
    deleteQuietly(doomed);
    if (projectId > 0) {
      if (Files.exists(doomed, LinkOption.NOFOLLOW_LINKS)) {
        log.warn(
            "snapshot {}: project {} keeps its limit until {} is swept", key, projectId, doomed);
      } else {
        clearQuota(projectId);
      }
    }
    log.info("snapshot {} removed", key);
  }

  @Override
  public Usage usage(String key) {
    SnapshotKeys.check(key);
    if (get(key).isEmpty()) {
      throw new NotFoundException("usage of snapshot " + key + ": no such snapshot");
    }
    Path upper = get(key).orElseThrow().upperDir();
    Set<Object> seen = new HashSet<>();
    long[] bytes = {0};
    try {
      Files.walkFileTree(
          upper,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
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
              return FileVisitResult.CONTINUE; // the container removed it while we walked
            }

            private void count(BasicFileAttributes attrs) {
              if (seen.add(attrs.fileKey())) {
                bytes[0] += attrs.size();
              }
            }
          });
    } catch (IOException e) {
      throw new InternalException("usage of snapshot " + key + ": " + e, e);
    }
    return new Usage(bytes[0], seen.size());
  }

  private Snapshot describe(String key, List<Path> lowers, boolean loop) {
    Path dir = snapshots.resolve(key);
    Path base = loop ? LoopLayers.mountPoint(dir) : dir;
    Path upper = base.resolve(UPPER);
    OverlayMounts.Plan plan;
    try {
      plan = OverlayMounts.plan(lowers, upper, base.resolve(WORK), layers, LayerLinks::relative);
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException("snapshot " + key + ": " + e.getMessage(), e);
    }
    return new Snapshot(key, plan.mount(), plan.workingDir(), upper, lowers);
  }

  private void ensureLinks(Snapshot snapshot) {
    if (snapshot.workingDir().isPresent()) {
      snapshot.lowerDirs().forEach(links::ensure);
    }
  }

  private static List<Path> checkLowers(String key, List<Path> lowerDirs) {
    if (lowerDirs == null || lowerDirs.isEmpty()) {
      throw new InvalidArgumentException("prepare snapshot " + key + ": no lower layers");
    }
    List<Path> result = new ArrayList<>();
    for (Path p : lowerDirs) {
      if (!p.isAbsolute()) {
        throw new InvalidArgumentException(
            "prepare snapshot " + key + ": lower layer path " + p + " is not absolute");
      }
      String s = p.toString();
      if (s.indexOf(':') >= 0 || s.indexOf(',') >= 0) {
        throw new InvalidArgumentException(
            "prepare snapshot " + key + ": lower layer path " + p + " has ':' or ','");
      }
      if (!Files.isDirectory(p)) {
        throw new NotFoundException(
            "prepare snapshot " + key + ": lower layer " + p + " is not a directory");
      }
      result.add(p.normalize());
    }
    return List.copyOf(result);
  }

  /**
   * overlayfs takes the merged root's owner and mode from the upper directory, so it gets those of
   * the image's top layer root.
   */
  private void copyRootAttributes(Path topLower, Path upper) throws IOException {
    int mode = (int) Files.getAttribute(topLower, "unix:mode") & 07777;
    Files.setAttribute(
        upper, "unix:uid", Files.getAttribute(topLower, "unix:uid"), LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(
        upper, "unix:gid", Files.getAttribute(topLower, "unix:gid"), LinkOption.NOFOLLOW_LINKS);
    ops.chmod(upper, mode);
  }

  private byte[] toJson(
      String key, List<Path> lowers, long sizeLimitBytes, int projectId, boolean loop)
      throws IOException {
    SnapshotJson j = new SnapshotJson();
    j.version = SnapshotJson.CURRENT_VERSION;
    j.key = key;
    j.lowerDirs = lowers.stream().map(Path::toString).toList();
    j.sizeLimitBytes = sizeLimitBytes;
    j.projectId = projectId;
    j.layerFilesystem = loop ? SnapshotJson.LOOP : null;
    return json.writerWithDefaultPrettyPrinter().writeValueAsBytes(j);
  }

  private SnapshotJson readJson(String key) {
    Path metadata = snapshots.resolve(key).resolve(METADATA);
    try {
      return json.readValue(metadata.toFile(), SnapshotJson.class);
    } catch (IOException e) {
      throw new InternalException("read snapshot " + key + " metadata: " + e.getMessage(), e);
    }
  }

  private void checkSize(String key, long sizeLimitBytes) {
    if (sizeLimitBytes < 0) {
      throw new InvalidArgumentException(
          "prepare snapshot " + key + ": size limit " + sizeLimitBytes + " is negative");
    }
    if (sizeLimitBytes > 0
        && quotas.backend() == QuotaBackend.LOOP
        && sizeLimitBytes < LoopLayers.MIN_BYTES) {
      throw new InvalidArgumentException(
          "prepare snapshot "
              + key
              + ": a writable-layer size limit of "
              + sizeLimitBytes
              + " bytes is below the loop backend's minimum of "
              + LoopLayers.MIN_BYTES);
    }
    if (sizeLimitBytes > 0 && !quotas.enabled()) {
      throw new InvalidArgumentException(
          "prepare snapshot "
              + key
              + ": a writable-layer size limit of "
              + sizeLimitBytes
              + " bytes was asked for, but writable-layer quotas are off: "
              + quotas.reason());
    }
  }

  /** An id above all in use that the file system has nothing charged to (another tool's). */
  private int allocateProjectId() {
    Path device = quotas.device().orElseThrow();
    return projectIds.allocate(id -> isUnused(device, id));
  }

  private boolean isUnused(Path device, int id) {
    return quotaOps
        .quota(device, id)
        .map(q -> q.byteLimit() == 0 && q.inodeLimit() == 0 && q.inodesUsed() == 0)
        .orElse(true);
  }

  /** For the start-up probe: the id that would be allocated next, left free again afterwards. */
  private int probeId(Path device) {
    int id = projectIds.allocate(candidate -> isUnused(device, candidate));
    projectIds.release(id);
    return id;
  }

  /** Removes the limit of a project whose tree is gone; a failure leaves only a stale limit. */
  private void clearQuota(int projectId) {
    try {
      quotaOps.setLimits(quotas.device().orElseThrow(), projectId, 0, 0);
      projectIds.release(projectId);
    } catch (TesseraException e) {
      log.warn("snapshots: clearing the limit of project {} failed: {}", projectId, e.getMessage());
    }
  }

  /** The project id on a snapshot directory; 0 without quotas or when it cannot be read. */
  private int projectIdOf(Path dir) {
    if (quotaOps == null || quotas.backend() != QuotaBackend.XFS) {
      return 0;
    }
    try {
      int id = quotaOps.projectId(dir);
      return id >= ProjectIds.FIRST ? id : 0;
    } catch (TesseraException e) {
      log.warn("snapshots: project id of {} unreadable: {}", dir, e.getMessage());
      return 0;
    }
  }

  /** Ids on every entry of the snapshots dir, leftovers included, so none is handed out twice. */
  private void scanProjectIds() {
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(snapshots)) {
      for (Path dir : dirs) {
        try {
          projectIds.inUse(quotaOps.projectId(dir));
        } catch (TesseraException e) {
          // No fsxattr support here (not XFS): detection says quotas are off anyway.
          log.debug("snapshots: no project id on {}: {}", dir, e.getMessage());
        }
      }
    } catch (IOException e) {
      throw new InternalException("scan project ids in " + snapshots + ": " + e, e);
    }
  }

  private static boolean isLoop(SnapshotJson j) {
    return SnapshotJson.LOOP.equals(j.layerFilesystem);
  }

  /** Whether a committed snapshot directory has its layer on a loop image; false if unreadable. */
  private boolean isLoopLayer(Path dir) {
    try {
      return isLoop(json.readValue(dir.resolve(METADATA).toFile(), SnapshotJson.class));
    } catch (IOException e) {
      return Files.exists(dir.resolve(LoopLayers.IMAGE), LinkOption.NOFOLLOW_LINKS);
    }
  }

  /** Lazily unmounts a leftover's layer file system, if it has one mounted. */
  private void unmountLeftover(Path dir) {
    if (loopLayers == null) {
      return;
    }
    try {
      if (loopLayers.isMounted(dir)) {
        loopLayers.unmount(dir, true);
      }
    } catch (TesseraException e) {
      log.error("snapshots: could not unmount the layer file system of {}", dir, e);
    }
  }

  /** After a reboot a loop-backed layer exists only as its image: mount it again. */
  private void remountLayer(Path dir) {
    String key = dir.getFileName().toString();
    if (loopLayers == null) {
      log.error("snapshot {}: its layer is on a loop image, but loop support is not wired", key);
      return;
    }
    try {
      if (!loopLayers.isMounted(dir)) {
        loopLayers.mount(dir);
        log.info("snapshot {}: layer file system mounted again from its image", key);
      }
    } catch (TesseraException e) {
      // Its container fails when it is started; removing it still works.
      log.error("snapshot {}: mounting its layer image failed: {}", key, e.getMessage(), e);
    }
  }

  private SnapshotJson readChecked(String key, Path metadata) throws IOException {
    SnapshotJson j = json.readValue(metadata.toFile(), SnapshotJson.class);
    if (j.version != SnapshotJson.CURRENT_VERSION) {
      throw new IOException("unsupported snapshot metadata version " + j.version);
    }
    if (!key.equals(j.key)) {
      throw new IOException("metadata names snapshot " + j.key);
    }
    if (j.lowerDirs == null || j.lowerDirs.isEmpty()) {
      throw new IOException("metadata lists no lower layers");
    }
    return j;
  }

  /**
   * Mount points at or below {@code dir}, and overlays anywhere whose upper or work directory is in
   * it (the container's root file system is mounted outside the snapshot).
   */
  private static List<String> mountsUsing(Path dir, boolean loop) {
    String prefix = dir.toString();
    Path base = loop ? LoopLayers.mountPoint(dir) : dir;
    String own = LoopLayers.mountPoint(dir).toString();
    Set<String> ours = Set.of(base.resolve(UPPER).toString(), base.resolve(WORK).toString());
    List<String> users = new ArrayList<>();
    for (MountInfo m : MountInfo.current()) {
      String point = m.mountPoint();
      if (loop && point.equals(own)) {
        continue; // the layer's own file system, unmounted by remove
      }
      if (point.equals(prefix) || point.startsWith(prefix + "/")) {
        users.add(point);
        continue;
      }
      if (m.fsType().equals("overlay")) {
        for (String option : m.superOptions().split(",")) {
          int eq = option.indexOf('=');
          String name = eq < 0 ? option : option.substring(0, eq);
          if ((name.equals("upperdir") || name.equals("workdir"))
              && ours.contains(option.substring(eq + 1))) {
            users.add(point);
            break;
          }
        }
      }
    }
    return users;
  }

  private void recover() {
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(snapshots)) {
      for (Path dir : dirs) {
        String name = dir.getFileName().toString();
        if (name.startsWith(TEMP_PREFIX) || name.startsWith(REMOVING_PREFIX)) {
          log.info("snapshots: removing leftover {}", dir);
          int projectId = projectIdOf(dir);
          unmountLeftover(dir);
          deleteQuietly(dir);
          if (projectId > 0 && !Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            clearQuota(projectId);
          }
        } else if (!SnapshotKeys.isValid(name)
            || !Files.isRegularFile(dir.resolve(METADATA), LinkOption.NOFOLLOW_LINKS)) {
          // Not ours or never committed; deleting it could destroy someone's data.
          log.warn("snapshots: ignoring {}: not a snapshot directory", dir);
        } else if (isLoopLayer(dir)) {
          remountLayer(dir);
        }
      }
    } catch (IOException e) {
      throw new InternalException("sweep " + snapshots + ": " + e, e);
    }
  }

  private void deleteQuietly(Path p) {
    try {
      deleteRecursively(p);
    } catch (IOException | TesseraException e) {
      log.error("snapshots: could not remove {}", p, e);
    }
  }

  /**
   * Deletes a tree without following symlinks. A container may leave directories without write or
   * search permission in its upper layer, so each directory is opened up first. (The layer store's
   * equivalent is private to its package.)
   */
  private void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            try {
              ops.chmod(dir, 0700);
            } catch (TesseraException e) {
              // Deleting may still work; a real failure shows up there.
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
            if (exc instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE;
            }
            throw exc;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
            if (exc != null) {
              throw exc;
            }
            Files.delete(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
