package io.tessera.kernel.fs;

/**
 * Device numbers as glibc encodes them in its 64-bit {@code dev_t} (makedev(3)): 12+20 bits of
 * major, 8+24 bits of minor. Decodes the JDK's {@code unix:rdev} attribute.
 */
public final class DeviceNumbers {
  private DeviceNumbers() {}

  /** makedev(3). */
  public static long makedev(long major, long minor) {
    return ((major & 0xfffff000L) << 32)
        | ((major & 0xfffL) << 8)
        | ((minor & 0xffffff00L) << 12)
        | (minor & 0xffL);
  }

  /** major(3). */
  public static long major(long dev) {
    return ((dev >>> 32) & 0xfffff000L) | ((dev >>> 8) & 0xfffL);
  }

  /** minor(3). */
  public static long minor(long dev) {
    return ((dev >>> 12) & 0xffffff00L) | (dev & 0xffL);
  }
}
