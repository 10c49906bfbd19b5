package io.tessera.server.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ChannelFramesTest {
  private static final byte[] HELLO = "hello".getBytes(StandardCharsets.UTF_8);

  @Test
  void binaryPrefixesTheChannelByte() {
    assertThat(ChannelFrames.encodeBinary(1, HELLO, 1, 3)).containsExactly(1, 'e', 'l', 'l');
    assertThat(ChannelFrames.encodeBinary(3, HELLO, 0, 0)).containsExactly(3);
  }

  @Test
  void binaryDecodesChannelAndData() {
    ChannelFrames.Message m = ChannelFrames.decodeBinary(new byte[] {0, 'h', 'i'});
    assertThat(m.channel()).isZero();
    assertThat(m.data()).containsExactly('h', 'i');
    assertThat(ChannelFrames.decodeBinary(new byte[] {(byte) 255, 0}).channel()).isEqualTo(255);
    assertThat(ChannelFrames.decodeBinary(new byte[0])).isNull();
  }

  @Test
  void base64IsADigitThenStandardBase64() {
    assertThat(ChannelFrames.encodeBase64(1, HELLO, 0, HELLO.length)).isEqualTo("1aGVsbG8=");
    assertThat(ChannelFrames.encodeBase64(2, HELLO, 0, 0)).isEqualTo("2");
    ChannelFrames.Message m = ChannelFrames.decodeBase64("0aGVsbG8=");
    assertThat(m.channel()).isZero();
    assertThat(new String(m.data(), StandardCharsets.UTF_8)).isEqualTo("hello");
    assertThat(ChannelFrames.decodeBase64("4").data()).isEmpty();
  }

  @Test
  void base64WithoutPaddingIsAccepted() {
    assertThat(ChannelFrames.decodeBase64("0aGk").data()).containsExactly('h', 'i');
  }

  @Test
  void badBase64IsRefused() {
    assertThatThrownBy(() -> ChannelFrames.decodeBase64("0***"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
