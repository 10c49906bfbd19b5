package io.tessera.server.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.sandbox.streaming.TerminalSize;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResizeDecoderTest {
  private static List<TerminalSize> decode(String text) {
    List<TerminalSize> out = new ArrayList<>();
    ResizeDecoder.decode(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), out::add);
    return out;
  }

  @Test
  void readsConsecutiveMessagesAsGoEncodesThem() {
    assertThat(decode("{\"Width\":80,\"Height\":24}{\"Width\":120,\"Height\":40}\n"))
        .containsExactly(new TerminalSize(80, 24), new TerminalSize(120, 40));
  }

  @Test
  void fieldNamesMatchWhateverTheirCase() {
    assertThat(decode("{\"width\":100,\"height\":30} {\"WIDTH\":7,\"HEIGHT\":8}"))
        .containsExactly(new TerminalSize(100, 30), new TerminalSize(7, 8));
  }

  @Test
  void messagesWithoutAUsableSizeAreSkipped() {
    assertThat(
            decode(
                "{\"Width\":0,\"Height\":24}{\"Width\":80}{\"Width\":70000,\"Height\":1}"
                    + "[1,2]{\"Width\":81,\"Height\":25,\"Extra\":true}"))
        .containsExactly(new TerminalSize(81, 25));
  }

  @Test
  void garbageEndsTheStream() {
    assertThat(decode("{\"Width\":80,\"Height\":24}not json{\"Width\":1,\"Height\":1}"))
        .containsExactly(new TerminalSize(80, 24));
  }

  @Test
  void messagesMaySplitAcrossReads() {
    List<TerminalSize> out = new ArrayList<>();
    InboundPipe pipe = new InboundPipe(n -> {});
    pipe.offer("{\"Width\":9".getBytes(StandardCharsets.UTF_8));
    pipe.offer("0,\"Height\":33}".getBytes(StandardCharsets.UTF_8));
    pipe.finish();
    ResizeDecoder.decode(pipe, out::add);
    assertThat(out).containsExactly(new TerminalSize(90, 33));
  }
}
