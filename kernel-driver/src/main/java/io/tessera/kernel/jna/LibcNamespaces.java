package io.tessera.kernel.jna;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;
import java.nio.charset.StandardCharsets;

/** Namespace system calls: unshare(2), setns(2), sethostname(2). */
public final class LibcNamespaces {
  /** clone(2) flag: new mount namespace. */
  public static final int CLONE_NEWNS = 0x00020000;

  /** clone(2) flag: the calling thread stops sharing its filesystem attributes (cwd, root). */
  public static final int CLONE_FS = 0x00000200;

  public static final int CLONE_NEWCGROUP = 0x02000000;
  public static final int CLONE_NEWUTS = 0x04000000;
  public static final int CLONE_NEWIPC = 0x08000000;
  public static final int CLONE_NEWUSER = 0x10000000;
  public static final int CLONE_NEWPID = 0x20000000;
  public static final int CLONE_NEWNET = 0x40000000;

  private LibcNamespaces() {}

  /**
   * unshare(2): moves the <em>calling thread</em> into new namespaces of the given kinds (or, with
   * {@link #CLONE_FS}, gives it a private cwd/root). In a multithreaded process the other threads
   * keep theirs; CLONE_NEWUSER and CLONE_NEWPID are refused (EINVAL) or only affect children, so
   * callers use it for net/ipc/uts/fs only.
   *
   * @throws SyscallException EPERM without CAP_SYS_ADMIN, EINVAL for flags not allowed here
   */
  public static void unshare(int flags) {
    try {
      Libc.INSTANCE.unshare(flags);
    } catch (LastErrorException e) {
      throw Errno.failure("unshare(0x" + Integer.toHexString(flags) + ")", e);
    }
  }

  /**
   * setns(2): moves the calling thread into the namespace referred to by {@code fd} (an open
   * /proc/[pid]/ns/* file or a bind mount of one); {@code nstype} is the CLONE_NEW* flag the fd
   * must match, or 0 to accept any. Joining a mount namespace is refused in a multithreaded process
   * (EINVAL), net/ipc/uts are per thread.
   */
  public static void setns(int fd, int nstype) {
    try {
      Libc.INSTANCE.setns(fd, nstype);
    } catch (LastErrorException e) {
      throw Errno.failure("setns(" + fd + ", 0x" + Integer.toHexString(nstype) + ")", e);
    }
  }

  /**
   * sethostname(2): sets the host name of the UTS namespace the calling thread is in; at most 64
   * bytes (EINVAL past HOST_NAME_MAX), EPERM without CAP_SYS_ADMIN in that namespace's owner.
   */
  public static void sethostname(String name) {
    byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
    try {
      Libc.INSTANCE.sethostname(bytes, new NativeLong(bytes.length));
    } catch (LastErrorException e) {
      throw Errno.failure("sethostname(" + name + ")", e);
    }
  }
}
