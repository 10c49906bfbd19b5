package io.tessera.storage.layer;

import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.UnimplementedException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads ustar members with PAX (POSIX.1-2001) and GNU long-name extensions from an uncompressed tar
 * stream. Not thread-safe; does not close its input.
 *
 * <p>Hand-written rather than commons-compress's TarArchiveInputStream because that decodes every
 * PAX value as UTF-8 text, which destroys binary {@code SCHILY.xattr.*} values such as {@code
 * security.capability} (Go's archive/tar, used by Docker, BuildKit and umoci, writes them raw).
 * Sparse files and multi-volume archives are refused.
 */
final class TarReader {

  static final int BLOCK = 512;

  private static final String XATTR_PREFIX = "SCHILY.xattr.";

  private final InputStream in;
  private final int maxMetadataBytes;
  private final byte[] header = new byte[BLOCK];
  private final Map<String, byte[]> globalPax = new HashMap<>();

  /** Bytes of the current member's data not yet read, and its padding after that. */
  private long remaining;

  private int padding;
  private boolean ended;

  /**
   * @param maxMetadataBytes the largest PAX header or GNU long name accepted, so a hostile archive
   *     cannot make the reader allocate without bound
   */
  TarReader(InputStream in, int maxMetadataBytes) {
    this.in = in;
    this.maxMetadataBytes = maxMetadataBytes;
  }

  /**
   * The next member, or {@code null} at the end-of-archive marker (a zero block) or at the end of
   * input exactly on a block boundary. Skips what is left of the previous member's data.
   */
  TarEntry next() throws IOException {
    if (ended) {
      return null;
    }
    skipRest();
    Map<String, byte[]> pax = new LinkedHashMap<>();
    String gnuLongName = null;
    String gnuLongLink = null;
    while (true) {
      if (!readHeader()) {
        ended = true;
        return null;
      }
      char flag = (char) (header[156] & 0xff);
      long size = number(124, 12, "size");
      switch (flag) {
        case 'x' -> pax.putAll(parsePax(readMetadata(size, "PAX header")));
        case 'g' -> mergeGlobal(parsePax(readMetadata(size, "PAX global header")));
        case 'L' -> gnuLongName = cString(readMetadata(size, "GNU long name"), 0, (int) size);
        case 'K' -> gnuLongLink = cString(readMetadata(size, "GNU long link"), 0, (int) size);
        default -> {
          return entry(flag, size, pax, gnuLongName, gnuLongLink);
        }
      }
    }
  }

  /** The data of the member {@link #next()} returned last; reading past its size returns -1. */
  InputStream content() {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (remaining == 0) {
          return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
          throw new InvalidArgumentException("tar stream truncated inside a member's data");
        }
        remaining -= n;
        return n;
      }
    };
  }

  private TarEntry entry(
      char flag, long headerSize, Map<String, byte[]> localPax, String longName, String longLink)
      throws IOException {
    Map<String, byte[]> pax = new HashMap<>(globalPax);
    pax.putAll(localPax);
    String name = text(pax, "path");
    if (name == null) {
      name = longName != null ? longName : ustarName();
    }
    String linkName = text(pax, "linkpath");
    if (linkName == null) {
      linkName = longLink != null ? longLink : cString(header, 157, 100);
    }
    for (String key : pax.keySet()) {
      if (key.startsWith("GNU.sparse.")) {
        throw new UnimplementedException(
            "tar member '" + name + "': sparse files are not supported");
      }
    }
    TarEntry.Type type =
        switch (flag) {
          case '0', '\0', '7' -> TarEntry.Type.REGULAR;
          case '1' -> TarEntry.Type.HARD_LINK;
          case '2' -> TarEntry.Type.SYMLINK;
          case '3' -> TarEntry.Type.CHAR_DEVICE;
          case '4' -> TarEntry.Type.BLOCK_DEVICE;
          case '5' -> TarEntry.Type.DIRECTORY;
          case '6' -> TarEntry.Type.FIFO;
          case 'S' ->
              throw new UnimplementedException(
                  "tar member '" + name + "': GNU sparse files are not supported");
          default ->
              throw new UnimplementedException(
                  "tar member '" + name + "': type '" + printable(flag) + "' is not supported");
        };
    // Old tars mark directories only by a trailing slash on a regular member.
    if (type == TarEntry.Type.REGULAR && flag == '\0' && name.endsWith("/")) {
      type = TarEntry.Type.DIRECTORY;
    }
    long size = paxNumber(pax, "size", headerSize, name);
    long uid = paxNumber(pax, "uid", number(108, 8, "uid"), name);
    long gid = paxNumber(pax, "gid", number(116, 8, "gid"), name);
    Instant mtime = paxTime(pax, "mtime", name);
    if (mtime == null) {
      mtime = Instant.ofEpochSecond(number(136, 12, "mtime"));
    }
    Instant atime = paxTime(pax, "atime", name);
    Map<String, byte[]> xattrs = new LinkedHashMap<>();
    pax.forEach(
        (key, value) -> {
          if (key.startsWith(XATTR_PREFIX) && key.length() > XATTR_PREFIX.length()) {
            xattrs.put(key.substring(XATTR_PREFIX.length()), value);
          }
        });
    boolean device = type == TarEntry.Type.CHAR_DEVICE || type == TarEntry.Type.BLOCK_DEVICE;
    long major = device ? number(329, 8, "devmajor") : 0;
    long minor = device ? number(337, 8, "devminor") : 0;
    if (size < 0) {
      throw new InvalidArgumentException("tar member '" + name + "': negative size " + size);
    }
    remaining = size;
    padding = (int) ((BLOCK - size % BLOCK) % BLOCK);
    return new TarEntry(
        name,
        type,
        (int) (number(100, 8, "mode") & 07777),
        uid,
        gid,
        size,
        mtime,
        atime,
        linkName,
        major,
        minor,
        xattrs);
  }

  /** Reads one header block; false at a zero block or at end of input on a block boundary. */
  private boolean readHeader() throws IOException {
    int n = in.readNBytes(header, 0, BLOCK);
    if (n == 0) {
      return false;
    }
    if (n < BLOCK) {
      throw new InvalidArgumentException("tar stream truncated inside a header block");
    }
    boolean zero = true;
    for (byte b : header) {
      if (b != 0) {
        zero = false;
        break;
      }
    }
    if (zero) {
      return false;
    }
    long stored = number(148, 8, "checksum");
    long unsigned = 0;
    long signed = 0;
    for (int i = 0; i < BLOCK; i++) {
      byte b = (i >= 148 && i < 156) ? (byte) ' ' : header[i];
      unsigned += b & 0xff;
      signed += b;
    }
    // Some historic writers summed signed chars; both are accepted, as GNU tar does.
    if (stored != unsigned && stored != signed) {
      throw new InvalidArgumentException(
          "tar header checksum mismatch (not a tar stream, or corrupt) near member '"
              + cString(header, 0, 100)
              + "'");
    }
    return true;
  }

  private byte[] readMetadata(long size, String what) throws IOException {
    if (size < 0 || size > maxMetadataBytes) {
      throw new InvalidArgumentException(
          what + " of " + size + " bytes exceeds the limit of " + maxMetadataBytes + " bytes");
    }
    byte[] data = in.readNBytes((int) size);
    if (data.length < size) {
      throw new InvalidArgumentException("tar stream truncated inside a " + what);
    }
    skipFully((BLOCK - size % BLOCK) % BLOCK);
    return data;
  }

  /** PAX records: {@code "<len> <key>=<value>\n"}, the length counting the whole record. */
  static Map<String, byte[]> parsePax(byte[] data) {
    Map<String, byte[]> records = new LinkedHashMap<>();
    int pos = 0;
    while (pos < data.length) {
      if (data[pos] == 0) {
        break; // some writers pad the header data with NULs
      }
      int space = pos;
      while (space < data.length && data[space] != ' ') {
        space++;
      }
      int length;
      try {
        length = Integer.parseInt(new String(data, pos, space - pos, StandardCharsets.US_ASCII));
      } catch (NumberFormatException e) {
        throw new InvalidArgumentException("malformed PAX record length at offset " + pos, e);
      }
      int end = pos + length;
      if (length <= 0 || space >= data.length || end > data.length || data[end - 1] != '\n') {
        throw new InvalidArgumentException("malformed PAX record at offset " + pos);
      }
      int equals = space + 1;
      while (equals < end - 1 && data[equals] != '=') {
        equals++;
      }
      if (equals >= end - 1) {
        throw new InvalidArgumentException("malformed PAX record (no '=') at offset " + pos);
      }
      String key = new String(data, space + 1, equals - space - 1, StandardCharsets.UTF_8);
      records.put(key, Arrays.copyOfRange(data, equals + 1, end - 1));
      pos = end;
    }
    return records;
  }

  private String ustarName() {
    String name = cString(header, 0, 100);
    // Only POSIX ustar ("ustar\0") has a prefix field; GNU's "ustar  " puts times there.
    boolean posix =
        header[257] == 'u'
            && header[258] == 's'
            && header[259] == 't'
            && header[260] == 'a'
            && header[261] == 'r'
            && header[262] == 0;
    if (posix) {
      String prefix = cString(header, 345, 155);
      if (!prefix.isEmpty()) {
        return prefix + "/" + name;
      }
    }
    return name;
  }

  /** An octal field (NUL/space terminated) or a GNU base-256 field (high bit of byte 0 set). */
  private long number(int offset, int length, String field) {
    if ((header[offset] & 0x80) != 0) {
      long value = header[offset] & 0x7f;
      boolean negative = (header[offset] & 0x40) != 0;
      if (negative) {
        value |= ~0x7fL;
      }
      for (int i = 1; i < length; i++) {
        if (((value >>> 55) != 0 && !negative) || ((value >> 55) != -1 && negative)) {
          throw new InvalidArgumentException("tar header field " + field + " overflows 64 bits");
        }
        value = (value << 8) | (header[offset + i] & 0xff);
      }
      return value;
    }
    long value = 0;
    int i = offset;
    int end = offset + length;
    while (i < end && header[i] == ' ') {
      i++;
    }
    for (; i < end; i++) {
      byte b = header[i];
      if (b == 0 || b == ' ') {
        break;
      }
      if (b < '0' || b > '7') {
        throw new InvalidArgumentException(
            "tar header field "
                + field
                + " is not octal near member '"
                + cString(header, 0, 100)
                + "'");
      }
      value = (value << 3) | (b - '0');
    }
    return value;
  }

  private static long paxNumber(Map<String, byte[]> pax, String key, long fallback, String name) {
    String text = text(pax, key);
    if (text == null) {
      return fallback;
    }
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw new InvalidArgumentException(
          "tar member '" + name + "': PAX " + key + " '" + text + "' is not a number", e);
    }
  }

  private static Instant paxTime(Map<String, byte[]> pax, String key, String name) {
    String text = text(pax, key);
    if (text == null) {
      return null;
    }
    try {
      BigDecimal seconds = new BigDecimal(text.trim());
      BigDecimal whole = new BigDecimal(seconds.toBigInteger());
      if (seconds.signum() < 0 && seconds.compareTo(whole) != 0) {
        whole = whole.subtract(BigDecimal.ONE);
      }
      long nanos = seconds.subtract(whole).movePointRight(9).longValue();
      return Instant.ofEpochSecond(whole.longValueExact(), nanos);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new InvalidArgumentException(
          "tar member '" + name + "': PAX " + key + " '" + text + "' is not a time", e);
    }
  }

  /** An empty value means "not set" (POSIX: it undoes a global record) for the text keys. */
  private static String text(Map<String, byte[]> pax, String key) {
    byte[] value = pax.get(key);
    return value == null || value.length == 0 ? null : new String(value, StandardCharsets.UTF_8);
  }

  private void mergeGlobal(Map<String, byte[]> records) {
    records.forEach(
        (key, value) -> {
          if (value.length == 0) {
            globalPax.remove(key);
          } else {
            globalPax.put(key, value);
          }
        });
  }

  private static String cString(byte[] bytes, int offset, int length) {
    int end = offset;
    while (end < offset + length && end < bytes.length && bytes[end] != 0) {
      end++;
    }
    return new String(bytes, offset, end - offset, StandardCharsets.UTF_8);
  }

  private static String printable(char flag) {
    return flag >= 0x20 && flag < 0x7f
        ? String.valueOf(flag)
        : String.format("\\x%02x", (int) flag);
  }

  private void skipRest() throws IOException {
    skipFully(remaining + padding);
    remaining = 0;
    padding = 0;
  }

  private void skipFully(long n) throws IOException {
    // InputStream.skip may skip fewer bytes or none on decompressing streams; read instead.
    byte[] buf = new byte[8192];
    while (n > 0) {
      int got = in.read(buf, 0, (int) Math.min(buf.length, n));
      if (got < 0) {
        throw new InvalidArgumentException("tar stream truncated inside a member's data");
      }
      n -= got;
    }
  }
}
