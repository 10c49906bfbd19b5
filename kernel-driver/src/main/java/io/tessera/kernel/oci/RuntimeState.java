package io.tessera.kernel.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code runc state <id>} (or crun's) prints: the runtime-spec state plus runc's extras
 * (rootfs, created, owner). {@code pid} is 0 once the container stopped.
 */
public record RuntimeState(
    String ociVersion,
    String id,
    ContainerStatus status,
    long pid,
    String bundle,
    String rootfs,
    Optional<Instant> created,
    Map<String, String> annotations) {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  public RuntimeState {
    annotations = Map.copyOf(annotations);
  }

  /**
   * Parses one state document; pure.
   *
   * @throws IllegalArgumentException not a JSON object with an {@code id}
   */
  public static RuntimeState parse(String json) {
    try {
      return fromNode(MAPPER.readTree(json));
    } catch (IOException e) {
      throw new IllegalArgumentException("runtime state is not JSON: " + abbreviate(json), e);
    }
  }

  /** Parses {@code runc list --format json}: an array of states, or {@code null} when none. */
  public static List<RuntimeState> parseList(String json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("runtime list is not JSON: " + abbreviate(json), e);
    }
    List<RuntimeState> out = new ArrayList<>();
    if (root == null || root.isNull() || root.isMissingNode()) {
      return out;
    }
    if (!root.isArray()) {
      throw new IllegalArgumentException("runtime list is not an array: " + abbreviate(json));
    }
    for (JsonNode item : root) {
      out.add(fromNode(item));
    }
    return out;
  }

  private static RuntimeState fromNode(JsonNode node) {
    if (node == null || !node.isObject() || !node.hasNonNull("id")) {
      throw new IllegalArgumentException("runtime state has no id: " + node);
    }
    Map<String, String> annotations = new LinkedHashMap<>();
    JsonNode ann = node.get("annotations");
    if (ann != null && ann.isObject()) {
      ann.fields().forEachRemaining(e -> annotations.put(e.getKey(), e.getValue().asText()));
    }
    Optional<Instant> created = Optional.empty();
    String createdText = node.path("created").asText("");
    if (!createdText.isEmpty()) {
      try {
        created = Optional.of(Instant.parse(createdText));
      } catch (DateTimeParseException e) {
        // runc writes RFC 3339 with nanoseconds; anything else we cannot read is left out.
      }
    }
    return new RuntimeState(
        node.path("ociVersion").asText(""),
        node.get("id").asText(),
        ContainerStatus.parse(node.path("status").asText(null)),
        node.path("pid").asLong(0),
        node.path("bundle").asText(""),
        node.path("rootfs").asText(""),
        created,
        annotations);
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }
}
