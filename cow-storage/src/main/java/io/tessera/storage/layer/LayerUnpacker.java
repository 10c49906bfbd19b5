package io.tessera.storage.layer;

import io.tessera.kernel.errors.AlreadyExistsException;
import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.ResourceExhaustedException;
import io.tessera.kernel.errors.TesseraException;
import io.tessera.kernel.fs.FileOps;
import io.tessera.kernel.fs.FileOps.NodeType;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Unpacks one OCI image layer (a tar changeset, possibly compressed) into a fresh directory that
 * overlayfs can use as a lower layer.
 *
 * <p>What lands on disk: regular files with their content, directories, symlinks (targets stored
 * verbatim, never followed), hard links (to an earlier member of the same layer), character and
 * block devices, FIFOs; numeric uid/gid from the tar header (user and group names are ignored), all
 * 12 mode bits, modification times to the nanosecond (directories' fixed up after their children
 * are written), {@code SCHILY.xattr.*} extended attributes (binary values intact, {@code
 * security.capability} included). OCI whiteouts become overlayfs whiteouts: {@code .wh.NAME} a
 * character device 0/0 named NAME, {@code .wh..wh..opq} the xattr {@code trusted.overlay.opaque=y}
 * on its directory; neither marker file is left. Other {@code .wh..wh.*} names (AUFS bookkeeping)
 * are skipped.
 *
 * <p>Safety: nothing is ever created, changed or followed outside {@code target}.
 *
 * <ul>
 *   <li>Member names are taken relative to the layer root: a leading {@code /} is dropped (as
 *       Docker and containerd do, since images built from a root file system may carry absolute
 *       names), {@code .} components are ignored, and a {@code ..} that climbs above the root is
 *       refused. Hard link targets are resolved the same way.
 *   <li>Every parent component of a member is looked up without following links: a symlink there
 *       (from an earlier member, whatever it points to) is refused rather than resolved, so no
 *       member is written through a symlink. A final component that exists is replaced, never
 *       written through ({@code O_EXCL} creation, a directory is only kept for a directory).
 *   <li>A hard link's target must be an earlier non-directory member reached without symlinks; a
 *       link to a symlink links the symlink itself.
 *   <li>{@code trusted.overlay.*} attributes in the archive are refused: only whiteouts may make
 *       overlayfs metadata.
 *   <li>{@link Limits} bound the uncompressed bytes (counted while inflating, so a bomb stops after
 *       the limit) and the member count.
 * </ul>
 *
 * <p>Any failure removes {@code target} completely before the exception leaves; refusals are {@code
 * InvalidArgumentException}s naming the member and the reason, exceeded limits {@code
 * ResourceExhaustedException}s, unsupported member types {@code UnimplementedException}s.
 *
 * <p>A layer is a changeset, so a directory it implies without a header of its own (its children
 * changed) keeps the metadata it has in the layers below; the caller passes those layers' diff
 * directories so that the merged view gets the right owner, mode and time for it. Thread-safe: an
 * instance holds no per-unpack state. Needs root (devices, ownership, trusted.* attributes).
 */
public final class LayerUnpacker {

  private static final Logger log = LoggerFactory.getLogger(LayerUnpacker.class);

  /** The overlayfs xattr that makes a directory hide the same directory in lower layers. */
  static final String OPAQUE_XATTR = "trusted.overlay.opaque";

  private static final String WHITEOUT_PREFIX = ".wh.";
  private static final String WHITEOUT_META_PREFIX = ".wh..wh.";
  private static final String OPAQUE_MARKER = ".wh..wh..opq";
  private static final int MAX_METADATA_BYTES = 1 << 20;
  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

  /**
   * Bounds against decompression bombs and entry floods.
   *
   * @param maxUncompressedBytes the most uncompressed tar bytes accepted
   * @param maxEntries the most tar members accepted
   */
  public record Limits(long maxUncompressedBytes, long maxEntries) {

    /** 64 GiB and 4 million members: above any sane image layer, below a full disk. */
    public static final Limits DEFAULT = new Limits(64L << 30, 4_000_000);

    public Limits {
      if (maxUncompressedBytes <= 0 || maxEntries <= 0) {
        throw new InvalidArgumentException(
            "layer limits must be positive: " + maxUncompressedBytes + " bytes, " + maxEntries);
      }
    }
  }

  private final FileOps ops;
  private final Limits limits;

  public LayerUnpacker(FileOps ops, Limits limits) {
    this.ops = ops;
    this.limits = limits;
  }

  /** Unpacks a layer that has no layers below it (or whose implied directories need none). */
  public UnpackResult unpack(InputStream blob, Compression compression, Path target) {
    return unpack(blob, compression, target, List.of());
  }

  /**
   * Reads {@code blob} to its end and unpacks it into {@code target}.
   *
   * @param blob the layer as stored (compressed per {@code compression}); read to the end, not
   *     closed
   * @param target a path that must not exist yet; its parent must; created by this call
   * @param lowerLayers diff directories of the layers below, the one directly below first
   * @return the diff id computed over the uncompressed stream, its size and the member count
   * @throws AlreadyExistsException if {@code target} exists
   */
  public UnpackResult unpack(
      InputStream blob, Compression compression, Path target, List<Path> lowerLayers) {
    try {
      Files.createDirectory(target);
    } catch (FileAlreadyExistsException e) {
      throw new AlreadyExistsException("unpack layer: " + target + " already exists", e);
    } catch (IOException e) {
      throw new InternalException("unpack layer: create " + target + ": " + e, e);
    }
    boolean done = false;
    try (InputStream inflated = decompress(compression, blob)) {
      MeteredInputStream metered = new MeteredInputStream(inflated, limits.maxUncompressedBytes());
      Run run = new Run(target, new LowerLayers(lowerLayers, ops));
      run.start();
      TarReader reader = new TarReader(metered, MAX_METADATA_BYTES);
      long entries = 0;
      TarEntry entry;
      while ((entry = readNext(reader)) != null) {
        if (++entries > limits.maxEntries()) {
          throw new ResourceExhaustedException(
              "layer entry '"
                  + entry.name()
                  + "': layer has more than the limit of "
                  + limits.maxEntries()
                  + " entries");
        }
        run.apply(entry, reader.content());
      }
      try {
        metered.drain();
      } catch (IOException e) {
        throw corrupt(e);
      }
      run.finish();
      done = true;
      return new UnpackResult(metered.digest(), metered.count(), entries);
    } catch (IOException e) {
      throw corrupt(e);
    } finally {
      if (!done) {
        try {
          Trees.deleteRecursively(target, ops);
        } catch (IOException | TesseraException e) {
          log.error("could not remove partly unpacked layer {}", target, e);
        }
      }
    }
  }

  private static InputStream decompress(Compression compression, InputStream blob)
      throws IOException {
    // The caller owns blob; closing the decompressor must free its native state, not close blob.
    InputStream shielded =
        new FilterInputStream(blob) {
          @Override
          public void close() {}
        };
    try {
      return compression.decompress(shielded);
    } catch (IOException e) {
      throw corrupt(e);
    }
  }

  private static TarEntry readNext(TarReader reader) {
    try {
      return reader.next();
    } catch (IOException e) {
      throw corrupt(e);
    }
  }

  private static InvalidArgumentException corrupt(IOException e) {
    return new InvalidArgumentException(
        "layer stream is corrupt or truncated (" + e.getMessage() + ")", e);
  }

  /**
   * Splits a member name into components below the root: drops a leading {@code /} and {@code .}
   * components, applies {@code ..} lexically, refuses climbing above the root.
   *
   * @return the components; empty for the root itself
   */
  static List<String> components(String name, String entry, String what) {
    Deque<String> parts = new ArrayDeque<>();
    for (String part : name.split("/", -1)) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (parts.isEmpty()) {
          throw refused(entry, what + " '" + name + "' climbs above the layer root");
        }
        parts.removeLast();
      } else {
        if (part.indexOf('\0') >= 0) {
          throw refused(entry, what + " contains a NUL byte");
        }
        parts.addLast(part);
      }
    }
    return List.copyOf(parts);
  }

  private static InvalidArgumentException refused(String entry, String reason) {
    return new InvalidArgumentException("layer entry '" + entry + "': " + reason);
  }

  /** The state of one unpack: the root, deferred directory times, copied metadata. */
  private final class Run {
    private final Path root;
    private final LowerLayers lowers;
    private final Map<Path, Instant[]> directoryTimes = new LinkedHashMap<>();
    private final Map<Path, Set<String>> copiedXattrs = new HashMap<>();

    Run(Path root, LowerLayers lowers) {
      this.root = root;
      this.lowers = lowers;
    }

    void start() {
      Path lowerRoot = lowers.root().orElse(null);
      if (lowerRoot == null) {
        ops.chmod(root, 0755);
      } else {
        copyDirectoryMetadata(lowerRoot, root, ".");
      }
    }

    void apply(TarEntry e, InputStream content) {
      try {
        applyChecked(e, content);
      } catch (InvalidPathException ex) {
        throw refused(e.name(), "not a valid file name (" + ex.getMessage() + ")");
      } catch (TesseraException ex) {
        if (ex.getMessage().startsWith("layer entry '")) {
          throw ex;
        }
        throw TesseraException.sameKind(ex, "layer entry '" + e.name() + "': " + ex.getMessage());
      }
    }

    private void applyChecked(TarEntry e, InputStream content) {
      List<String> comps = components(e.name(), e.name(), "name");
      if (e.uid() > 0xfffffffeL || e.uid() < 0 || e.gid() > 0xfffffffeL || e.gid() < 0) {
        throw refused(e.name(), "uid/gid " + e.uid() + "/" + e.gid() + " out of range");
      }
      if (comps.isEmpty()) {
        if (e.type() != TarEntry.Type.DIRECTORY) {
          throw refused(e.name(), "the layer root can only be a directory, not " + e.type());
        }
        applyMetadata(root, e);
        return;
      }
      String base = comps.get(comps.size() - 1);
      List<String> parentComps = comps.subList(0, comps.size() - 1);
      if (base.startsWith(WHITEOUT_PREFIX)) {
        applyWhiteout(e, base, parentComps);
        return;
      }
      Path dir = ensureDirectory(parentComps, e.name());
      Path path = dir.resolve(base);
      // Resolve a hard link's target before the name is cleared: a member may re-link itself.
      Path linkTarget = e.type() == TarEntry.Type.HARD_LINK ? hardLinkTarget(e) : null;
      BasicFileAttributes existing = lstat(path);
      if (existing != null) {
        if (existing.isDirectory() && e.type() == TarEntry.Type.DIRECTORY) {
          applyMetadata(path, e);
          return;
        }
        if (path.equals(linkTarget)) {
          return; // a hard link to itself is already in place
        }
        removeTree(path);
      }
      switch (e.type()) {
        case DIRECTORY -> createDirectory(path);
        case REGULAR -> writeFile(path, e, content);
        case SYMLINK -> {
          if (e.linkName().isEmpty()) {
            throw refused(e.name(), "symlink with an empty target");
          }
          ops.symlink(e.linkName(), path);
        }
        case HARD_LINK -> {
          try {
            Files.createLink(path, linkTarget);
          } catch (IOException ex) {
            throw new InternalException(
                "layer entry '" + e.name() + "': link to " + linkTarget + ": " + ex, ex);
          }
          return; // a hard link shares the inode (and metadata) of its target
        }
        case CHAR_DEVICE ->
            ops.mknod(path, NodeType.CHAR_DEVICE, e.mode(), (int) e.devMajor(), (int) e.devMinor());
        case BLOCK_DEVICE ->
            ops.mknod(
                path, NodeType.BLOCK_DEVICE, e.mode(), (int) e.devMajor(), (int) e.devMinor());
        case FIFO -> ops.mknod(path, NodeType.FIFO, e.mode(), 0, 0);
      }
      applyMetadata(path, e);
    }

    private void applyWhiteout(TarEntry e, String base, List<String> parentComps) {
      Path dir = ensureDirectory(parentComps, e.name());
      if (base.equals(OPAQUE_MARKER)) {
        ops.setXattr(dir, OPAQUE_XATTR, new byte[] {'y'});
        return;
      }
      if (base.startsWith(WHITEOUT_META_PREFIX)) {
        log.debug("layer entry '{}': AUFS metadata skipped", e.name());
        return;
      }
      String name = base.substring(WHITEOUT_PREFIX.length());
      if (name.isEmpty() || name.equals(".") || name.equals("..")) {
        throw refused(e.name(), "whiteout of '" + name + "' names nothing");
      }
      Path path = dir.resolve(name);
      if (lstat(path) != null) {
        removeTree(path);
      }
      ops.mknod(path, NodeType.CHAR_DEVICE, 0, 0, 0);
    }

    /**
     * Walks {@code comps} from the root without following links, creating missing directories (with
     * the metadata the lower layers give them) and refusing symlinks and non-directories.
     */
    private Path ensureDirectory(List<String> comps, String entry) {
      Path dir = root;
      for (int i = 0; i < comps.size(); i++) {
        dir = dir.resolve(comps.get(i));
        BasicFileAttributes attrs = lstat(dir);
        String rel = String.join("/", comps.subList(0, i + 1));
        if (attrs == null) {
          createDirectory(dir);
          Path lower = lowers.directory(comps.subList(0, i + 1)).orElse(null);
          if (lower != null) {
            copyDirectoryMetadata(lower, dir, entry);
          }
        } else if (attrs.isSymbolicLink()) {
          throw refused(
              entry, "parent '" + rel + "' is a symlink; writing through symlinks is refused");
        } else if (!attrs.isDirectory()) {
          throw refused(entry, "parent '" + rel + "' is not a directory");
        }
      }
      return dir;
    }

    private Path hardLinkTarget(TarEntry e) {
      List<String> comps = components(e.linkName(), e.name(), "hard link target");
      if (comps.isEmpty()) {
        throw refused(e.name(), "hard link to the layer root");
      }
      Path path = root;
      for (int i = 0; i < comps.size(); i++) {
        path = path.resolve(comps.get(i));
        BasicFileAttributes attrs = lstat(path);
        boolean last = i == comps.size() - 1;
        if (attrs == null) {
          throw refused(
              e.name(),
              "hard link target '" + e.linkName() + "' is not an earlier entry of this layer");
        }
        if (!last && attrs.isSymbolicLink()) {
          throw refused(
              e.name(),
              "hard link target '"
                  + e.linkName()
                  + "' passes through symlink '"
                  + String.join("/", comps.subList(0, i + 1))
                  + "'");
        }
        if (!last && !attrs.isDirectory()) {
          throw refused(e.name(), "hard link target '" + e.linkName() + "' does not exist");
        }
        if (last && attrs.isDirectory()) {
          throw refused(e.name(), "hard link to directory '" + e.linkName() + "'");
        }
      }
      return path;
    }

    private void createDirectory(Path path) {
      try {
        Files.createDirectory(path);
      } catch (IOException ex) {
        throw new InternalException("create directory " + path + ": " + ex, ex);
      }
      ops.chmod(path, 0755);
    }

    private void writeFile(Path path, TarEntry e, InputStream content) {
      OutputStream out;
      try {
        // CREATE_NEW is O_EXCL: it never follows or reuses what is at the name.
        out = Files.newOutputStream(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      } catch (IOException ex) {
        throw new InternalException("create " + path + ": " + ex, ex);
      }
      try (out) {
        byte[] buf = new byte[64 * 1024];
        long written = 0;
        while (true) {
          int n;
          try {
            n = content.read(buf);
          } catch (IOException ex) {
            throw corrupt(ex);
          }
          if (n < 0) {
            break;
          }
          out.write(buf, 0, n);
          written += n;
        }
        if (written != e.size()) {
          throw refused(e.name(), "content ends after " + written + " of " + e.size() + " bytes");
        }
      } catch (IOException ex) {
        throw new InternalException("write " + path + ": " + ex, ex);
      }
    }

    private void applyMetadata(Path path, TarEntry e) {
      boolean symlink = e.type() == TarEntry.Type.SYMLINK;
      boolean regularOrDir =
          e.type() == TarEntry.Type.REGULAR || e.type() == TarEntry.Type.DIRECTORY;
      try {
        // chown clears setuid/setgid and file capabilities, so it goes first.
        Files.setAttribute(path, "unix:uid", (int) e.uid(), NOFOLLOW);
        Files.setAttribute(path, "unix:gid", (int) e.gid(), NOFOLLOW);
      } catch (IOException ex) {
        throw new InternalException("lchown " + path + ": " + ex, ex);
      }
      if (!symlink) {
        ops.chmod(path, e.mode());
      }
      for (Map.Entry<String, byte[]> x : e.xattrs().entrySet()) {
        String name = x.getKey();
        if (name.startsWith("trusted.overlay.")) {
          throw refused(e.name(), "xattr " + name + " is reserved for overlayfs");
        }
        if (!regularOrDir && name.startsWith("user.")) {
          // The kernel allows user.* only on regular files and directories (xattr(7)).
          log.debug("layer entry '{}': xattr {} skipped on a {}", e.name(), name, e.type());
          continue;
        }
        ops.setXattr(path, name, x.getValue());
      }
      Set<String> copied = copiedXattrs.remove(path);
      if (copied != null) {
        // The header now describes this directory fully; drop what came from below.
        for (String name : copied) {
          if (!e.xattrs().containsKey(name)) {
            ops.removeXattr(path, name);
          }
        }
      }
      Instant atime = e.accessTime() != null ? e.accessTime() : e.modifyTime();
      if (e.type() == TarEntry.Type.DIRECTORY) {
        directoryTimes.put(path, new Instant[] {atime, e.modifyTime()});
      } else {
        ops.setTimes(path, atime, e.modifyTime());
      }
    }

    private void copyDirectoryMetadata(Path from, Path to, String entry) {
      Map<String, Object> attrs;
      try {
        attrs = Files.readAttributes(from, "unix:uid,gid,mode,lastModifiedTime", NOFOLLOW);
        Files.setAttribute(to, "unix:uid", attrs.get("uid"), NOFOLLOW);
        Files.setAttribute(to, "unix:gid", attrs.get("gid"), NOFOLLOW);
      } catch (IOException ex) {
        throw new InternalException(
            "layer entry '" + entry + "': copy metadata of " + from + ": " + ex, ex);
      }
      ops.chmod(to, (int) attrs.get("mode") & 07777);
      Set<String> names = new HashSet<>();
      for (String name : ops.listXattrs(from)) {
        if (name.startsWith("trusted.overlay.")) {
          continue;
        }
        ops.getXattr(from, name)
            .ifPresent(
                value -> {
                  ops.setXattr(to, name, value);
                  names.add(name);
                });
      }
      copiedXattrs.put(to, names);
      Instant mtime = ((FileTime) attrs.get("lastModifiedTime")).toInstant();
      directoryTimes.put(to, new Instant[] {mtime, mtime});
    }

    private void removeTree(Path path) {
      try {
        Trees.deleteRecursively(path, ops);
      } catch (IOException ex) {
        throw new InternalException("remove " + path + ": " + ex, ex);
      }
      directoryTimes.keySet().removeIf(p -> p.startsWith(path));
      copiedXattrs.keySet().removeIf(p -> p.startsWith(path));
    }

    /** Sets directory times last, since creating children changed them. */
    void finish() {
      List<Map.Entry<Path, Instant[]>> dirs = new ArrayList<>(directoryTimes.entrySet());
      for (int i = dirs.size() - 1; i >= 0; i--) {
        Path dir = dirs.get(i).getKey();
        // A later member may have replaced an ancestor; never touch anything through a symlink.
        if (isRealDirectoryInside(dir)) {
          Instant[] times = dirs.get(i).getValue();
          ops.setTimes(dir, times[0], times[1]);
        }
      }
    }

    private boolean isRealDirectoryInside(Path dir) {
      Path rel = root.relativize(dir);
      Path p = root;
      if (!rel.toString().isEmpty()) {
        for (Path name : rel) {
          p = p.resolve(name.toString());
          BasicFileAttributes attrs = lstat(p);
          if (attrs == null || !attrs.isDirectory() || attrs.isSymbolicLink()) {
            return false;
          }
        }
      }
      return true;
    }

    private BasicFileAttributes lstat(Path path) {
      try {
        return Files.readAttributes(path, BasicFileAttributes.class, NOFOLLOW);
      } catch (NoSuchFileException ex) {
        return null;
      } catch (IOException ex) {
        throw new InternalException("lstat " + path + ": " + ex, ex);
      }
    }
  }
}
