package io.tessera.server.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StreamProtocolsTest {
  @Test
  void offersSplitOnCommasAcrossHeaderValues() {
    assertThat(
            StreamProtocols.offers(
                List.of("v4.channel.k8s.io, v3.channel.k8s.io", " ", "channel.k8s.io")))
        .containsExactly("v4.channel.k8s.io", "v3.channel.k8s.io", "channel.k8s.io");
  }

  @Test
  void theClientsOrderWins() {
    assertThat(
            StreamProtocols.negotiate(
                List.of("v2.channel.k8s.io", "v4.channel.k8s.io"),
                StreamProtocols.SPDY_REMOTE_COMMAND))
        .contains("v2.channel.k8s.io");
    assertThat(
            StreamProtocols.negotiate(
                List.of("v5.channel.k8s.io", "v4.channel.k8s.io"), StreamProtocols.WS_PORT_FORWARD))
        .contains("v4.channel.k8s.io");
    assertThat(StreamProtocols.negotiate(List.of("SPDY/3"), StreamProtocols.SPDY_PORT_FORWARD))
        .isEmpty();
  }

  @Test
  void statusFormatAndResizeByVersion() {
    assertThat(StreamProtocols.structuredStatus("v4.channel.k8s.io")).isTrue();
    assertThat(StreamProtocols.structuredStatus("v5.channel.k8s.io")).isTrue();
    assertThat(StreamProtocols.structuredStatus("v4.base64.channel.k8s.io")).isTrue();
    assertThat(StreamProtocols.structuredStatus("v3.channel.k8s.io")).isFalse();
    assertThat(StreamProtocols.structuredStatus("channel.k8s.io")).isFalse();
    assertThat(StreamProtocols.spdyResize("v3.channel.k8s.io")).isTrue();
    assertThat(StreamProtocols.spdyResize("v2.channel.k8s.io")).isFalse();
    assertThat(StreamProtocols.base64("base64.channel.k8s.io")).isTrue();
    assertThat(StreamProtocols.base64("v5.channel.k8s.io")).isFalse();
  }
}
