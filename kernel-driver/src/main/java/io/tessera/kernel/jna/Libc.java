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
}
