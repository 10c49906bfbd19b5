package io.tessera.server.streaming;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.tessera.sandbox.streaming.TerminalSize;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads the resize stream: JSON objects {@code {"Width":80,"Height":24}} one after another, as
 * client-go and client-node write them. Field names match case-insensitively, as Go's decoder does;
 * an object without a valid size is skipped; anything that is not JSON ends the stream, as it ends
 * the kubelet's decoder.
 */
final class ResizeDecoder {
  private static final ObjectReader READER =
      new ObjectMapper()
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(JsonParser.Feature.AUTO_CLOSE_SOURCE)
          .readerFor(JsonNode.class);

  private ResizeDecoder() {}

  /** Blocks reading {@code in} until it ends, handing each size to {@code sink}. */
  static void decode(InputStream in, Consumer<TerminalSize> sink) {
    try (MappingIterator<JsonNode> it = READER.readValues(in)) {
      while (it.hasNextValue()) {
        size(it.nextValue()).ifPresent(sink);
      }
    } catch (IOException | RuntimeException e) {
      // A broken resize stream only ends resizing; the session goes on.
    }
  }

  /** The size in one message, if it has a usable width and height. */
  static Optional<TerminalSize> size(JsonNode message) {
    if (message == null || !message.isObject()) {
      return Optional.empty();
    }
    Integer width = null;
    Integer height = null;
    for (Iterator<Map.Entry<String, JsonNode>> f = message.fields(); f.hasNext(); ) {
      Map.Entry<String, JsonNode> e = f.next();
      if (!e.getValue().canConvertToInt()) {
        continue;
      }
      if (e.getKey().equalsIgnoreCase("width")) {
        width = e.getValue().intValue();
      } else if (e.getKey().equalsIgnoreCase("height")) {
        height = e.getValue().intValue();
      }
    }
    if (width == null || height == null || width < 1 || height < 1) {
      return Optional.empty();
    }
    if (width > 0xFFFF || height > 0xFFFF) {
      return Optional.empty();
    }
    return Optional.of(new TerminalSize(width, height));
  }
}
