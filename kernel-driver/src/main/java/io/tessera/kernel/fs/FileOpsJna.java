package io.tessera.kernel.fs;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;
import io.tessera.kernel.errors.AlreadyExistsException;
import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.NotFoundException;
import io.tessera.kernel.errors.ResourceExhaustedException;
import io.tessera.kernel.errors.TesseraException;
import io.tessera.kernel.errors.UnimplementedException;
import io.tessera.kernel.jna.LibcFiles;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** {@link FileOps} over glibc through {@link LibcFiles}. Stateless and thread-safe. */
public final class FileOpsJna implements FileOps {

  /** Paths are encoded the way the JDK encodes them, so both agree on every name. */
  private static final Charset PATH_CHARSET = pathCharset();

  private final LibcFiles libc;

  public FileOpsJna() {
    this(LibcFiles.INSTANCE);
  }

  FileOpsJna(LibcFiles libc) {
    this.libc = libc;
  }

  @Override
  public void mknod(Path path, NodeType type, int permissions, int major, int minor) {
    checkMode(permissions, path);
    int format =
        switch (type) {
          case CHAR_DEVICE -> LibcFiles.S_IFCHR;
          case BLOCK_DEVICE -> LibcFiles.S_IFBLK;
          case FIFO -> LibcFiles.S_IFIFO;
        };
    long dev = type == NodeType.FIFO ? 0 : DeviceNumbers.makedev(major, minor);
    byte[] p = cString(path);
    try {
      libc.mknodat(LibcFiles.AT_FDCWD, p, format | permissions, dev);
    } catch (LastErrorException e) {
      throw failure("mknod", path.toString(), e);
    }
    // mknod(2) applies the umask; set the exact bits the caller asked for.
    chmod(path, permissions);
  }

  @Override
  public void chmod(Path path, int mode) {
    checkMode(mode, path);
    try {
      libc.fchmodat(LibcFiles.AT_FDCWD, cString(path), mode, LibcFiles.AT_SYMLINK_NOFOLLOW);
    } catch (LastErrorException e) {
      throw failure("fchmodat", path.toString(), e);
    }
  }

  @Override
  public void symlink(String target, Path link) {
    if (target.isEmpty() || target.indexOf('\0') >= 0) {
      throw new InvalidArgumentException(
          "symlink " + link + ": target must be non-empty and free of NUL bytes");
    }
    try {
      libc.symlinkat(cString(target), LibcFiles.AT_FDCWD, cString(link));
    } catch (LastErrorException e) {
      throw failure("symlink", link + " -> " + target, e);
    }
  }

  @Override
  public void setXattr(Path path, String name, byte[] value) {
    try {
      libc.lsetxattr(cString(path), xattrName(name), value, new NativeLong(value.length), 0);
    } catch (LastErrorException e) {
      throw failure("lsetxattr", path + " " + name, e);
    }
  }

  @Override
  public Optional<byte[]> getXattr(Path path, String name) {
    byte[] p = cString(path);
    byte[] n = xattrName(name);
    // The size can change between the two calls; ERANGE means "ask again".
    while (true) {
      try {
        long size = libc.lgetxattr(p, n, null, new NativeLong(0)).longValue();
        byte[] buf = new byte[(int) size];
        long got = libc.lgetxattr(p, n, buf, new NativeLong(buf.length)).longValue();
        return Optional.of(got == buf.length ? buf : Arrays.copyOf(buf, (int) got));
      } catch (LastErrorException e) {
        if (e.getErrorCode() == LibcFiles.ENODATA) {
          return Optional.empty();
        }
        if (e.getErrorCode() != LibcFiles.ERANGE) {
          throw failure("lgetxattr", path + " " + name, e);
        }
      }
    }
  }

  @Override
  public void removeXattr(Path path, String name) {
    try {
      libc.lremovexattr(cString(path), xattrName(name));
    } catch (LastErrorException e) {
      if (e.getErrorCode() != LibcFiles.ENODATA) {
        throw failure("lremovexattr", path + " " + name, e);
      }
    }
  }

  @Override
  public List<String> listXattrs(Path path) {
    byte[] p = cString(path);
    while (true) {
      try {
        long size = libc.llistxattr(p, null, new NativeLong(0)).longValue();
        if (size == 0) {
          return List.of();
        }
        byte[] buf = new byte[(int) size];
        int got = (int) libc.llistxattr(p, buf, new NativeLong(buf.length)).longValue();
        return splitNames(buf, got);
      } catch (LastErrorException e) {
        if (e.getErrorCode() != LibcFiles.ERANGE) {
          throw failure("llistxattr", path.toString(), e);
        }
      }
    }
  }

  @Override
  public void setTimes(Path path, Instant accessTime, Instant modifyTime) {
    long[] times = {
      accessTime.getEpochSecond(), accessTime.getNano(),
      modifyTime.getEpochSecond(), modifyTime.getNano()
    };
    try {
      libc.utimensat(LibcFiles.AT_FDCWD, cString(path), times, LibcFiles.AT_SYMLINK_NOFOLLOW);
    } catch (LastErrorException e) {
      throw failure("utimensat", path.toString(), e);
    }
  }

  @Override
  public void syncFilesystem(Path dir) {
    int fd;
    try {
      fd = libc.open(cString(dir), LibcFiles.O_RDONLY | LibcFiles.O_CLOEXEC);
    } catch (LastErrorException e) {
      throw failure("open", dir.toString(), e);
    }
    try {
      libc.syncfs(fd);
    } catch (LastErrorException e) {
      throw failure("syncfs", dir.toString(), e);
    } finally {
      try {
        libc.close(fd);
      } catch (LastErrorException e) {
        // A read-only directory descriptor has nothing left to flush; the sync result stands.
      }
    }
  }

  static List<String> splitNames(byte[] buf, int length) {
    List<String> names = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < length; i++) {
      if (buf[i] == 0) {
        if (i > start) {
          names.add(new String(buf, start, i - start, StandardCharsets.UTF_8));
        }
        start = i + 1;
      }
    }
    return List.copyOf(names);
  }

  private TesseraException failure(String syscall, String object, LastErrorException e) {
    int errno = e.getErrorCode();
    ErrnoException cause = new ErrnoException(syscall, object, errno, libc.strerror(errno));
    return domainException(errno, cause);
  }

  static TesseraException domainException(int errno, ErrnoException cause) {
    String message = cause.getMessage();
    return switch (errno) {
      case LibcFiles.ENOENT -> new NotFoundException(message, cause);
      case LibcFiles.EEXIST -> new AlreadyExistsException(message, cause);
      case LibcFiles.EPERM, LibcFiles.EACCES -> new FailedPreconditionException(message, cause);
      case LibcFiles.EOPNOTSUPP -> new UnimplementedException(message, cause);
      case LibcFiles.ENOSPC, LibcFiles.EDQUOT -> new ResourceExhaustedException(message, cause);
      case LibcFiles.EINVAL -> new InvalidArgumentException(message, cause);
      default -> new InternalException(message, cause);
    };
  }

  private static void checkMode(int mode, Path path) {
    if ((mode & ~07777) != 0) {
      throw new InvalidArgumentException(
          "mode " + Integer.toOctalString(mode) + " for " + path + ": only bits 07777 may be set");
    }
  }

  private static byte[] cString(Path path) {
    return cString(path.toString());
  }

  private static byte[] cString(String s) {
    byte[] bytes = s.getBytes(PATH_CHARSET);
    return Arrays.copyOf(bytes, bytes.length + 1);
  }

  private static byte[] xattrName(String name) {
    if (name.isEmpty() || name.indexOf('\0') >= 0) {
      throw new InvalidArgumentException("invalid extended attribute name '" + name + "'");
    }
    byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
    return Arrays.copyOf(bytes, bytes.length + 1);
  }

  private static Charset pathCharset() {
    String name = System.getProperty("sun.jnu.encoding");
    try {
      return name == null ? Charset.defaultCharset() : Charset.forName(name);
    } catch (IllegalArgumentException e) {
      return Charset.defaultCharset();
    }
  }
}
