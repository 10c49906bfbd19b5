package io.tessera.kernel.ns;

import io.tessera.kernel.errors.AlreadyExistsException;
import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.NotFoundException;
import io.tessera.kernel.errors.TesseraException;
import io.tessera.kernel.jna.Errno;
import io.tessera.kernel.jna.LibcMounts;
import io.tessera.kernel.jna.LibcNamespaces;
import io.tessera.kernel.jna.LibcNet;
import io.tessera.kernel.jna.LibcSys;
import io.tessera.kernel.jna.SyscallException;
import io.tessera.kernel.proc.DedicatedThread;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link NamespacePinner} on unshare(2), sethostname(2), a SIOCSIFFLAGS ioctl and bind mounts of
 * /proc/thread-self/ns/*; no {@code ip} or {@code unshare} subprocess.
 */
public final class NamespacePinnerJna implements NamespacePinner {
  private static final Logger LOG = LoggerFactory.getLogger(NamespacePinnerJna.class);

  /** HOST_NAME_MAX on Linux; sethostname(2) refuses longer names. */
  static final int HOST_NAME_MAX = 64;

  /** Stacked pins on one file are unmounted one by one; more than this means a loop. */
  private static final int MAX_STACKED_MOUNTS = 16;

  @Override
  public PinnedNamespaces pin(Path dir, Set<NsType> types, String hostname) {
    validate(types, hostname);
    Path absDir = dir.toAbsolutePath().normalize();
    PinnedNamespaces pins = PinnedNamespaces.inDirectory(absDir, types);
    for (Path file : pins.paths().values()) {
      if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        throw new AlreadyExistsException("pin namespaces in " + absDir + ": " + file + " exists");
      }
    }
    boolean createdDir = !Files.isDirectory(absDir);
    try {
      Files.createDirectories(absDir);
    } catch (IOException e) {
      throw new InternalException("pin namespaces in " + absDir + ": create directory", e);
    }
    int flags = 0;
    for (NsType type : types) {
      flags |= type.cloneFlag();
    }
    int unshareFlags = flags;
    try {
      DedicatedThread.call(
          "ns-pin",
          () -> {
            pinOnThisThread(pins, unshareFlags, hostname);
            return null;
          });
    } catch (Exception e) {
      if (createdDir) {
        deleteIfEmpty(absDir);
      }
      if (e instanceof TesseraException te) {
        throw te;
      }
      throw new InternalException("pin namespaces " + types + " in " + absDir, e);
    }
    LOG.debug("pinned {} in {}", types, absDir);
    return pins;
  }

  /** Runs on the throwaway thread: everything from unshare to the last bind mount. */
  private static void pinOnThisThread(PinnedNamespaces pins, int flags, String hostname)
      throws IOException {
    Deque<Path> createdFiles = new ArrayDeque<>();
    Deque<Path> mounted = new ArrayDeque<>();
    try {
      LibcNamespaces.unshare(flags);
      if (pins.types().contains(NsType.UTS)) {
        LibcNamespaces.sethostname(hostname);
      }
      if (pins.types().contains(NsType.NET)) {
        // A new network namespace has only lo, and it starts down.
        LibcNet.setInterfaceFlags("lo", LibcNet.IFF_UP);
      }
      for (Map.Entry<NsType, Path> pin : pins.paths().entrySet()) {
        Path file = pin.getValue();
        Files.createFile(file);
        createdFiles.push(file);
        LibcMounts.mount(
            "/proc/thread-self/ns/" + pin.getKey().procName(),
            file.toString(),
            null,
            LibcMounts.MS_BIND,
            null);
        mounted.push(file);
      }
    } catch (RuntimeException | IOException e) {
      for (Path file : mounted) {
        try {
          LibcMounts.umount2(file.toString(), LibcMounts.MNT_DETACH);
        } catch (SyscallException undo) {
          e.addSuppressed(undo);
        }
      }
      for (Path file : createdFiles) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException undo) {
          e.addSuppressed(undo);
        }
      }
      throw e;
    }
  }

  @Override
  public void unpin(PinnedNamespaces pins) {
    for (Path file : pins.paths().values()) {
      unmountAll(file);
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        throw new InternalException("unpin " + file + ": delete", e);
      }
    }
    deleteIfEmpty(pins.dir());
  }

  private static void unmountAll(Path file) {
    for (int i = 0; i < MAX_STACKED_MOUNTS; i++) {
      try {
        LibcMounts.umount2(file.toString(), LibcMounts.MNT_DETACH | LibcMounts.UMOUNT_NOFOLLOW);
      } catch (SyscallException e) {
        // EINVAL: not (or no longer) a mount point; ENOENT: the file is gone. Both mean done.
        if (e.errno() == Errno.EINVAL || e.errno() == Errno.ENOENT) {
          return;
        }
        throw new InternalException("unpin " + file + ": unmount", e);
      }
    }
    throw new InternalException(
        "unpin " + file + ": still mounted after " + MAX_STACKED_MOUNTS + " unmounts");
  }

  private static void deleteIfEmpty(Path dir) {
    try {
      Files.deleteIfExists(dir);
    } catch (DirectoryNotEmptyException | NoSuchFileException e) {
      // Someone else's files live there too, or it is gone: leave it.
    } catch (IOException e) {
      LOG.warn("could not remove {}: {}", dir, e.toString());
    }
  }

  @Override
  public <T> T callInNamespace(Path nsFile, NsType type, Callable<T> task) {
    if (!type.perThread()) {
      throw new InvalidArgumentException(
          "cannot join a " + type.procName() + " namespace from one thread of the daemon");
    }
    if (!Files.exists(nsFile)) {
      throw new NotFoundException(type.procName() + " namespace " + nsFile + " does not exist");
    }
    try {
      return DedicatedThread.call(
          "ns-" + type.procName(),
          () -> {
            joinOnThisThread(nsFile, type);
            return task.call();
          });
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new InternalException(
          "task in " + type.procName() + " namespace " + nsFile + " failed", e);
    }
  }

  private static void joinOnThisThread(Path nsFile, NsType type) {
    try {
      int fd = LibcSys.open(nsFile.toString(), LibcSys.O_RDONLY | LibcSys.O_CLOEXEC);
      try {
        LibcNamespaces.setns(fd, type.cloneFlag());
      } finally {
        LibcSys.closeQuietly(fd);
      }
    } catch (SyscallException e) {
      throw new InternalException("join " + type.procName() + " namespace " + nsFile, e);
    }
  }

  private static void validate(Set<NsType> types, String hostname) {
    if (types.isEmpty()) {
      throw new InvalidArgumentException("pin namespaces: no namespace types given");
    }
    for (NsType type : types) {
      if (!type.perThread()) {
        throw new InvalidArgumentException(
            "pin namespaces: only net, ipc and uts can be pinned, not " + type.procName());
      }
    }
    if (types.contains(NsType.UTS)) {
      if (hostname == null || hostname.isEmpty()) {
        throw new InvalidArgumentException("pin namespaces: a UTS namespace needs a hostname");
      }
      if (hostname.getBytes(StandardCharsets.UTF_8).length > HOST_NAME_MAX
          || hostname.indexOf('\0') >= 0) {
        throw new InvalidArgumentException(
            "pin namespaces: hostname must be at most " + HOST_NAME_MAX + " bytes: " + hostname);
      }
    } else if (hostname != null) {
      throw new InvalidArgumentException(
          "pin namespaces: hostname " + hostname + " given without a UTS namespace");
    }
  }
}
