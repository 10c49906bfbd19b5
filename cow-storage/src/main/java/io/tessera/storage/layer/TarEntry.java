package io.tessera.storage.layer;

import java.time.Instant;
import java.util.Map;

/**
 * One member of a tar stream with its PAX/GNU extensions applied. Names are as in the archive (not
 * normalized); numeric ids are unsigned 32-bit values held in longs.
 *
 * @param accessTime from a PAX {@code atime} record, or {@code null}
 * @param xattrs {@code SCHILY.xattr.*} records: attribute name to raw value bytes
 */
record TarEntry(
    String name,
    Type type,
    int mode,
    long uid,
    long gid,
    long size,
    Instant modifyTime,
    Instant accessTime,
    String linkName,
    long devMajor,
    long devMinor,
    Map<String, byte[]> xattrs) {

  /** The member kinds a layer may hold. */
  enum Type {
    REGULAR,
    HARD_LINK,
    SYMLINK,
    CHAR_DEVICE,
    BLOCK_DEVICE,
    DIRECTORY,
    FIFO
  }

  TarEntry {
    xattrs = Map.copyOf(xattrs);
  }
}
