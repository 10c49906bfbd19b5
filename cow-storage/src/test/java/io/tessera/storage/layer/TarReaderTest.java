package io.tessera.storage.layer;

import static io.tessera.storage.layer.TarBuilder.owner;
import static io.tessera.storage.layer.TarBuilder.records;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.UnimplementedException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;

class TarReaderTest {

  @Test
  void readsEveryMemberTypeWithItsHeaderFields() throws IOException {
    byte[] tar =
        new TarBuilder()
            .dir("d", 0750, owner(1000, 2000))
            .file("d/f", 04755, "hello".getBytes(StandardCharsets.UTF_8), owner(7, 8))
            .symlink("d/s", "/etc/passwd")
            .hardlink("d/h", "d/f")
            .charDevice("c", 0600, 1, 3)
            .blockDevice("b", 0660, 8, 17)
            .fifo("p", 0644)
            .build();

    List<TarEntry> entries = new ArrayList<>();
    List<String> contents = new ArrayList<>();
    TarReader reader = new TarReader(new ByteArrayInputStream(tar), 1 << 20);
    TarEntry e;
    while ((e = reader.next()) != null) {
      entries.add(e);
      contents.add(new String(reader.content().readAllBytes(), StandardCharsets.UTF_8));
    }

    assertThat(entries)
        .extracting(TarEntry::name, TarEntry::type)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("d/", TarEntry.Type.DIRECTORY),
            org.assertj.core.groups.Tuple.tuple("d/f", TarEntry.Type.REGULAR),
            org.assertj.core.groups.Tuple.tuple("d/s", TarEntry.Type.SYMLINK),
            org.assertj.core.groups.Tuple.tuple("d/h", TarEntry.Type.HARD_LINK),
            org.assertj.core.groups.Tuple.tuple("c", TarEntry.Type.CHAR_DEVICE),
            org.assertj.core.groups.Tuple.tuple("b", TarEntry.Type.BLOCK_DEVICE),
            org.assertj.core.groups.Tuple.tuple("p", TarEntry.Type.FIFO));
    assertThat(entries.get(0).mode()).isEqualTo(0750);
    assertThat(entries.get(0).uid()).isEqualTo(1000);
    assertThat(entries.get(0).gid()).isEqualTo(2000);
    assertThat(entries.get(1).mode()).isEqualTo(04755);
    assertThat(entries.get(1).size()).isEqualTo(5);
    assertThat(contents.get(1)).isEqualTo("hello");
    assertThat(entries.get(1).modifyTime()).isEqualTo(TarBuilder.TIME);
    assertThat(entries.get(2).linkName()).isEqualTo("/etc/passwd");
    assertThat(entries.get(3).linkName()).isEqualTo("d/f");
    assertThat(entries.get(5).devMajor()).isEqualTo(8);
    assertThat(entries.get(5).devMinor()).isEqualTo(17);
  }

  @Test
  void paxLongNamesLinkNamesAndTimesWithNanoseconds() throws IOException {
    String longName = "a/".repeat(80) + "file-with-a-name-" + "x".repeat(120);
    String longTarget = "/" + "t".repeat(300);
    TarArchiveEntry link = new TarArchiveEntry("l", TarConstants.LF_SYMLINK);
    link.setLinkName(longTarget);
    byte[] tar =
        new TarBuilder()
            .fileWithRawPax(
                longName,
                0644,
                new byte[3],
                records("path", longName, "mtime", "1700000000.123456789", "atime", "-1.5"))
            .add(link, new byte[0], e -> {})
            .build();

    TarReader reader = new TarReader(new ByteArrayInputStream(tar), 1 << 20);
    TarEntry f = reader.next();
    assertThat(f.name()).isEqualTo(longName);
    assertThat(f.modifyTime()).isEqualTo(Instant.ofEpochSecond(1700000000L, 123456789));
    assertThat(f.accessTime()).isEqualTo(Instant.ofEpochSecond(-2, 500_000_000));
    TarEntry l = reader.next();
    assertThat(l.linkName()).isEqualTo(longTarget);
    assertThat(reader.next()).isNull();
    assertThat(reader.next()).isNull();
  }

  @Test
  void gnuLongNamesAndBase256Numbers() throws IOException {
    String longName = "g".repeat(150);
    byte[] tar =
        new TarBuilder(TarArchiveOutputStream.LONGFILE_GNU)
            .file(longName, 0644, new byte[0], owner(0, 0))
            .build();
    TarReader reader = new TarReader(new ByteArrayInputStream(tar), 1 << 20);
    assertThat(reader.next().name()).isEqualTo(longName);

    // A GNU base-256 uid: 0x80 marker byte, then big-endian.
    byte[] header = ustarHeader("big", '0');
    Arrays.fill(header, 108, 116, (byte) 0);
    header[108] = (byte) 0x80;
    header[112] = (byte) 0xff;
    header[113] = (byte) 0xff;
    header[114] = (byte) 0xff;
    header[115] = (byte) 0xfe;
    fixChecksum(header);
    TarEntry big = new TarReader(new ByteArrayInputStream(archive(header)), 1 << 20).next();
    assertThat(big.uid()).isEqualTo(0xfffffffeL);
  }

  @Test
  void binaryXattrValuesSurviveByteForByte() throws IOException {
    byte[] capability = {1, 0, 0, 2, (byte) 0x80, 4, 0, 0, 0, 0, 0, 0, (byte) 0xff, 0, 0, 0};
    byte[] tar =
        new TarBuilder()
            .fileWithRawPax(
                "bin/ping",
                0755,
                new byte[] {1},
                records(
                    "SCHILY.xattr.security.capability",
                    capability,
                    "SCHILY.xattr.user.empty",
                    new byte[0],
                    "SCHILY.xattr.user.text",
                    "v=1 x"))
            .build();
    TarEntry e = new TarReader(new ByteArrayInputStream(tar), 1 << 20).next();
    assertThat(e.name()).isEqualTo("bin/ping");
    assertThat(e.xattrs().get("security.capability")).containsExactly(capability);
    assertThat(e.xattrs().get("user.empty")).isEmpty();
    assertThat(new String(e.xattrs().get("user.text"), StandardCharsets.UTF_8)).isEqualTo("v=1 x");
  }

  @Test
  void globalPaxHeadersApplyToLaterMembers() throws IOException {
    // commons-compress cannot write a global header as a member; lay the blocks out by hand.
    byte[] data = "20 mtime=1600000000\n".getBytes(StandardCharsets.US_ASCII);
    byte[] global = ustarHeader("g", 'g');
    put(global, 124, String.format("%011o", data.length));
    fixChecksum(global);
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    tar.writeBytes(global);
    tar.writeBytes(Arrays.copyOf(data, 512));
    tar.writeBytes(ustarHeader("a", '0'));
    tar.writeBytes(ustarHeader("b", '0'));
    tar.writeBytes(new byte[1024]);
    TarReader reader = new TarReader(new ByteArrayInputStream(tar.toByteArray()), 1 << 20);
    assertThat(reader.next().modifyTime()).isEqualTo(Instant.ofEpochSecond(1600000000L));
    assertThat(reader.next().modifyTime()).isEqualTo(Instant.ofEpochSecond(1600000000L));
    assertThat(reader.next()).isNull();
  }

  @Test
  void unreadContentIsSkipped() throws IOException {
    byte[] tar =
        new TarBuilder()
            .file("big", 0644, new byte[10_000], e -> {})
            .file("next", 0644, "n")
            .build();
    TarReader reader = new TarReader(new ByteArrayInputStream(tar), 1 << 20);
    reader.next();
    reader.content().readNBytes(10);
    TarEntry next = reader.next();
    assertThat(next.name()).isEqualTo("next");
    assertThat(reader.content().readAllBytes()).containsExactly('n');
  }

  @Test
  void emptyInputIsAnEmptyArchive() throws IOException {
    assertThat(new TarReader(new ByteArrayInputStream(new byte[0]), 1 << 20).next()).isNull();
    assertThat(new TarReader(new ByteArrayInputStream(new byte[1024]), 1 << 20).next()).isNull();
  }

  @Test
  void corruptChecksumIsRefused() {
    byte[] header = ustarHeader("x", '0');
    header[0] = 'y';
    assertThatThrownBy(() -> new TarReader(new ByteArrayInputStream(header), 1 << 20).next())
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("checksum");
  }

  @Test
  void truncatedStreamsAreRefused() throws IOException {
    byte[] tar = new TarBuilder().file("f", 0644, new byte[2000], e -> {}).build();
    byte[] cut = Arrays.copyOf(tar, 512 + 1000);
    TarReader reader = new TarReader(new ByteArrayInputStream(cut), 1 << 20);
    reader.next();
    assertThatThrownBy(() -> reader.content().readAllBytes())
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("truncated");

    byte[] half = Arrays.copyOf(tar, 300);
    assertThatThrownBy(() -> new TarReader(new ByteArrayInputStream(half), 1 << 20).next())
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("truncated");
  }

  @Test
  void oversizedPaxHeadersAreRefusedBeforeAllocation() {
    byte[] header = ustarHeader("PaxHeaders/x", 'x');
    byte[] size = String.format("%011o", 1L << 30).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(size, 0, header, 124, 11);
    fixChecksum(header);
    assertThatThrownBy(() -> new TarReader(new ByteArrayInputStream(header), 1 << 20).next())
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("exceeds the limit");
  }

  @Test
  void sparseAndUnknownTypesAreUnsupported() {
    assertThatThrownBy(
            () ->
                new TarReader(new ByteArrayInputStream(archive(ustarHeader("s", 'S'))), 1 << 20)
                    .next())
        .isInstanceOf(UnimplementedException.class)
        .hasMessageContaining("'s'")
        .hasMessageContaining("sparse");
    assertThatThrownBy(
            () ->
                new TarReader(new ByteArrayInputStream(archive(ustarHeader("v", 'V'))), 1 << 20)
                    .next())
        .isInstanceOf(UnimplementedException.class)
        .hasMessageContaining("type 'V'");
  }

  @Test
  void paxRecordsAreParsedByLength() {
    byte[] data = "11 path=ab\n16 linkpath=x\ny\n".getBytes(StandardCharsets.UTF_8);
    var records = TarReader.parsePax(data);
    assertThat(new String(records.get("path"), StandardCharsets.UTF_8)).isEqualTo("ab");
    assertThat(new String(records.get("linkpath"), StandardCharsets.UTF_8)).isEqualTo("x\ny");
    assertThatThrownBy(() -> TarReader.parsePax("99 path=a\n".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> TarReader.parsePax("9 patha\n".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(InvalidArgumentException.class);
  }

  /** A minimal POSIX ustar header block with a valid checksum. */
  static byte[] ustarHeader(String name, char type) {
    byte[] h = new byte[512];
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(n, 0, h, 0, n.length);
    put(h, 100, "0000644");
    put(h, 108, "0000000");
    put(h, 116, "0000000");
    put(h, 124, "00000000000");
    put(h, 136, "14533111240");
    h[156] = (byte) type;
    put(h, 257, "ustar");
    h[263] = '0';
    h[264] = '0';
    fixChecksum(h);
    return h;
  }

  static void fixChecksum(byte[] h) {
    Arrays.fill(h, 148, 156, (byte) ' ');
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    put(h, 148, String.format("%06o", sum));
    h[154] = 0;
  }

  static byte[] archive(byte[] header) {
    return Arrays.copyOf(header, header.length + 1024);
  }

  private static void put(byte[] h, int offset, String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, h, offset, b.length);
  }
}
