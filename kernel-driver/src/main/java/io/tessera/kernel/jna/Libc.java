package io.tessera.kernel.jna;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.util.Map;

/**
 * The glibc functions Tessera calls, mapped once. Every method reports failure through {@link
 * LastErrorException} carrying errno; the public facades in this package translate that into {@link
 * SyscallException} with the arguments that failed.
 */
interface Libc extends Library {

  /** Strings cross as UTF-8 whatever the JVM's default charset, so paths survive a C locale. */
  Libc INSTANCE = Native.load("c", Libc.class, Map.of(Library.OPTION_STRING_ENCODING, "UTF-8"));

  int unshare(int flags) throws LastErrorException;

  int setns(int fd, int nstype) throws LastErrorException;

  int sethostname(byte[] name, NativeLong len) throws LastErrorException;

  int mount(String source, String target, String fstype, NativeLong flags, String data)
      throws LastErrorException;

  int umount2(String target, int flags) throws LastErrorException;

  int chdir(String path) throws LastErrorException;

  int open(String path, int flags) throws LastErrorException;

  int close(int fd) throws LastErrorException;

  int rmdir(String path) throws LastErrorException;

  int mkfifo(String path, int mode) throws LastErrorException;

  int socket(int domain, int type, int protocol) throws LastErrorException;

  int ioctl(int fd, NativeLong request, Pointer arg) throws LastErrorException;

  String strerror(int errnum);

  int posix_openpt(int flags) throws LastErrorException;

  int grantpt(int fd) throws LastErrorException;

  int unlockpt(int fd) throws LastErrorException;

  int ptsname_r(int fd, byte[] buf, NativeLong buflen);

  NativeLong read(int fd, byte[] buf, NativeLong count) throws LastErrorException;

  NativeLong write(int fd, byte[] buf, NativeLong count) throws LastErrorException;

  int poll(Pointer fds, NativeLong nfds, int timeout) throws LastErrorException;

  int pipe2(int[] fds, int flags) throws LastErrorException;

  int kill(int pid, int sig) throws LastErrorException;

  int connect(int fd, Pointer addr, int addrlen) throws LastErrorException;

  NativeLong send(int fd, byte[] buf, NativeLong len, int flags) throws LastErrorException;

  NativeLong recv(int fd, byte[] buf, NativeLong len, int flags) throws LastErrorException;

  int shutdown(int fd, int how) throws LastErrorException;

  int tcgetattr(int fd, Pointer termios) throws LastErrorException;

  int tcsetattr(int fd, int optionalActions, Pointer termios) throws LastErrorException;

  void cfmakeraw(Pointer termios);
}
