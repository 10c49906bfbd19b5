package io.tessera.kernel.oci;

import java.util.Arrays;

/**
 * One packet conmon sends on its attach socket: the first byte names the container's stream (2
 * stdout, 3 stderr; a terminal's output is stdout), the rest is that stream's bytes as read from
 * the container, up to conmon's 8192-byte stdio buffer.
 *
 * @param stream which output stream the bytes belong to
 * @param data the bytes, without the stream byte
 */
public record AttachPacket(Stream stream, byte[] data) {
  /** The largest packet conmon sends: its stdio buffer plus the stream byte. */
  public static final int MAX_PACKET = 8192 + 1;

  /** The container output streams conmon multiplexes; the numbers are conmon's pipe ids. */
  public enum Stream {
    STDOUT(2),
    STDERR(3);

    private final int id;

    Stream(int id) {
      this.id = id;
    }

    public int id() {
      return id;
    }
  }

  /**
   * Decodes the first {@code len} bytes of {@code buf} as one packet.
   *
   * @throws IllegalArgumentException an empty packet or an unknown stream byte
   */
  public static AttachPacket parse(byte[] buf, int len) {
    if (len < 1 || len > buf.length) {
      throw new IllegalArgumentException("attach packet of " + len + " bytes has no stream byte");
    }
    Stream stream =
        switch (buf[0]) {
          case 2 -> Stream.STDOUT;
          case 3 -> Stream.STDERR;
          default ->
              throw new IllegalArgumentException(
                  "attach packet names unknown stream " + Byte.toUnsignedInt(buf[0]));
        };
    return new AttachPacket(stream, Arrays.copyOfRange(buf, 1, len));
  }
}
