package io.tessera.storage.layer;

import com.github.luben.zstd.ZstdInputStream;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.UnimplementedException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * How a layer blob is compressed, from its media type or its first bytes, and how to undo it.
 * Stateless; the enum is thread-safe.
 */
public enum Compression {
  NONE,
  GZIP,
  ZSTD;

  /** Enough bytes for {@link #detect(byte[])} to decide. */
  public static final int MAGIC_LENGTH = 4;

  /**
   * The compression of an OCI or Docker layer media type (OCI image-spec media-types.md, Docker
   * image manifest v2 schema 2), including the deprecated non-distributable variants.
   *
   * @throws UnimplementedException for any other media type (encrypted layers, foreign formats)
   */
  public static Compression fromMediaType(String mediaType) {
    return switch (mediaType) {
      case "application/vnd.oci.image.layer.v1.tar",
          "application/vnd.oci.image.layer.nondistributable.v1.tar",
          "application/vnd.docker.image.rootfs.diff.tar" ->
          NONE;
      case "application/vnd.oci.image.layer.v1.tar+gzip",
          "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
          "application/vnd.docker.image.rootfs.diff.tar.gzip",
          "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip" ->
          GZIP;
      case "application/vnd.oci.image.layer.v1.tar+zstd",
          "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd" ->
          ZSTD;
      default ->
          throw new UnimplementedException("layer media type '" + mediaType + "' is not supported");
    };
  }

  /**
   * Sniffs the compression from the first bytes of a blob: gzip's {@code 1f 8b}, a zstd frame
   * ({@code 28 b5 2f fd}) or skippable frame ({@code 5? 2a 4d 18}); anything else is taken as a
   * plain tar.
   */
  public static Compression detect(byte[] head) {
    if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
      return GZIP;
    }
    if (head.length >= 4) {
      int magic =
          (head[0] & 0xff)
              | (head[1] & 0xff) << 8
              | (head[2] & 0xff) << 16
              | (head[3] & 0xff) << 24;
      if (magic == 0xfd2fb528 || (magic & 0xfffffff0) == 0x184d2a50) {
        return ZSTD;
      }
    }
    return NONE;
  }

  /**
   * Wraps {@code compressed} in a decompressing stream. Closing the returned stream closes {@code
   * compressed} and frees native decompressor state.
   *
   * <p>gzip: every member of a multi-member file is read. zstd: every frame is read, and a stream
   * that ends inside a frame fails.
   *
   * @throws InvalidArgumentException if the stream does not start the way this format must
   */
  public InputStream decompress(InputStream compressed) throws IOException {
    return switch (this) {
      case NONE -> compressed;
      case GZIP -> {
        try {
          // GZIPInputStream only looks for a next member while available() > 0, which a socket
          // or pipe may well report at a member boundary; claiming more is harmless because it
          // treats end of input after a member as the end.
          yield new GZIPInputStream(new AlwaysAvailable(compressed), 64 * 1024);
        } catch (java.util.zip.ZipException e) {
          throw new InvalidArgumentException("layer is not in gzip format: " + e.getMessage(), e);
        }
      }
      case ZSTD -> new ZstdInputStream(compressed);
    };
  }

  private static final class AlwaysAvailable extends FilterInputStream {
    AlwaysAvailable(InputStream in) {
      super(in);
    }

    @Override
    public int available() throws IOException {
      return Math.max(1, in.available());
    }
  }
}
