package io.tessera.storage.layer;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Builds layer tars in memory for tests, with commons-compress as the (independent) writer. */
final class TarBuilder {

  static final Instant TIME = Instant.parse("2023-11-14T22:13:20Z");

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final TarArchiveOutputStream tar;

  TarBuilder() {
    this(TarArchiveOutputStream.LONGFILE_POSIX);
  }

  TarBuilder(int longFileMode) {
    tar = new TarArchiveOutputStream(bytes);
    tar.setLongFileMode(longFileMode);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    tar.setAddPaxHeadersForNonAsciiNames(true);
  }

  TarBuilder dir(String name, int mode) {
    return dir(name, mode, e -> {});
  }

  TarBuilder dir(String name, int mode, Consumer<TarArchiveEntry> customize) {
    TarArchiveEntry e = new TarArchiveEntry(name.endsWith("/") ? name : name + "/");
    e.setMode(040000 | mode);
    return add(e, new byte[0], customize);
  }

  TarBuilder file(String name, int mode, String content) {
    return file(name, mode, content.getBytes(StandardCharsets.UTF_8), e -> {});
  }

  TarBuilder file(String name, int mode, byte[] content, Consumer<TarArchiveEntry> customize) {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setMode(0100000 | mode);
    e.setSize(content.length);
    return add(e, content, customize);
  }

  TarBuilder symlink(String name, String target) {
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
    e.setLinkName(target);
    e.setMode(0120777);
    return add(e, new byte[0], x -> {});
  }

  TarBuilder hardlink(String name, String target) {
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_LINK);
    e.setLinkName(target);
    e.setMode(0100644);
    return add(e, new byte[0], x -> {});
  }

  TarBuilder charDevice(String name, int mode, int major, int minor) {
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_CHR);
    e.setMode(020000 | mode);
    e.setDevMajor(major);
    e.setDevMinor(minor);
    return add(e, new byte[0], x -> {});
  }

  TarBuilder blockDevice(String name, int mode, int major, int minor) {
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_BLK);
    e.setMode(060000 | mode);
    e.setDevMajor(major);
    e.setDevMinor(minor);
    return add(e, new byte[0], x -> {});
  }

  TarBuilder fifo(String name, int mode) {
    TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_FIFO);
    e.setMode(010000 | mode);
    return add(e, new byte[0], x -> {});
  }

  /**
   * A member preceded by a hand-made PAX header whose values are raw bytes, which
   * TarArchiveOutputStream cannot write (it encodes values as UTF-8 text).
   */
  TarBuilder fileWithRawPax(String name, int mode, byte[] content, Map<String, byte[]> pax) {
    ByteArrayOutputStream records = new ByteArrayOutputStream();
    for (Map.Entry<String, byte[]> r : pax.entrySet()) {
      byte[] key = r.getKey().getBytes(StandardCharsets.UTF_8);
      int body = 1 + key.length + 1 + r.getValue().length + 1;
      int len = body + Integer.toString(body).length();
      if (Integer.toString(len).length() != Integer.toString(body).length()) {
        len++;
      }
      records.writeBytes((len + " ").getBytes(StandardCharsets.US_ASCII));
      records.writeBytes(key);
      records.write('=');
      records.writeBytes(r.getValue());
      records.write('\n');
    }
    byte[] data = records.toByteArray();
    TarArchiveEntry header =
        new TarArchiveEntry("PaxHeaders/" + name, TarConstants.LF_PAX_EXTENDED_HEADER_LC);
    header.setSize(data.length);
    add(header, data, x -> {});
    return file(name, mode, content, x -> {});
  }

  TarBuilder add(TarArchiveEntry e, byte[] content, Consumer<TarArchiveEntry> customize) {
    e.setModTime(FileTime.from(TIME));
    e.setUserId(0);
    e.setGroupId(0);
    customize.accept(e);
    try {
      tar.putArchiveEntry(e);
      tar.write(content);
      tar.closeArchiveEntry();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return this;
  }

  byte[] build() {
    try {
      tar.finish();
      tar.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static Consumer<TarArchiveEntry> owner(int uid, int gid) {
    return e -> {
      e.setUserId(uid);
      e.setGroupId(gid);
    };
  }

  static Consumer<TarArchiveEntry> pax(String key, String value) {
    return e -> e.addPaxHeader(key, value);
  }

  static Map<String, byte[]> records(Object... keysAndValues) {
    Map<String, byte[]> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      Object v = keysAndValues[i + 1];
      m.put(
          (String) keysAndValues[i],
          v instanceof byte[] b ? b : v.toString().getBytes(StandardCharsets.UTF_8));
    }
    return m;
  }

  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] zstd(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZstdOutputStream z = new ZstdOutputStream(out)) {
      z.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
