package io.tessera.kernel.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AttachPacketTest {

  private static byte[] packet(int stream, String text) {
    byte[] data = text.getBytes(StandardCharsets.UTF_8);
    byte[] buf = new byte[AttachPacket.MAX_PACKET + 1];
    buf[0] = (byte) stream;
    System.arraycopy(data, 0, buf, 1, data.length);
    return buf;
  }

  @Test
  void firstByteTwoIsStdout() {
    AttachPacket p = AttachPacket.parse(packet(2, "hello\n"), 7);
    assertThat(p.stream()).isEqualTo(AttachPacket.Stream.STDOUT);
    assertThat(new String(p.data(), StandardCharsets.UTF_8)).isEqualTo("hello\n");
  }

  @Test
  void firstByteThreeIsStderrAndOnlyTheReceivedLengthCounts() {
    AttachPacket p = AttachPacket.parse(packet(3, "oops and stale bytes"), 5);
    assertThat(p.stream()).isEqualTo(AttachPacket.Stream.STDERR);
    assertThat(new String(p.data(), StandardCharsets.UTF_8)).isEqualTo("oops");
  }

  @Test
  void aPacketWithOnlyTheStreamByteIsEmpty() {
    assertThat(AttachPacket.parse(packet(2, ""), 1).data()).isEmpty();
  }

  @Test
  void aFullConmonBufferFits() {
    byte[] buf = packet(2, "x".repeat(8192));
    assertThat(AttachPacket.parse(buf, AttachPacket.MAX_PACKET).data()).hasSize(8192);
  }

  @Test
  void unknownStreamsAndEmptyPacketsAreRefused() {
    assertThatThrownBy(() -> AttachPacket.parse(packet(1, "in"), 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown stream 1");
    assertThatThrownBy(() -> AttachPacket.parse(packet(0xFF, "x"), 2))
        .hasMessageContaining("unknown stream 255");
    assertThatThrownBy(() -> AttachPacket.parse(new byte[4], 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void streamIdsAreConmonsPipeNumbers() {
    assertThat(AttachPacket.Stream.STDOUT.id()).isEqualTo(2);
    assertThat(AttachPacket.Stream.STDERR.id()).isEqualTo(3);
  }
}
