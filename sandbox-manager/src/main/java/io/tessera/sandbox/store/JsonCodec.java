package io.tessera.sandbox.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.errors.TesseraException;
import io.tessera.sandbox.model.Container;
import io.tessera.sandbox.model.PodSandbox;
import java.io.IOException;
import java.util.function.Function;

/**
 * Bytes of one versioned JSON file to a domain object and back, through its on-disk JSON class.
 *
 * <p>Reading is strict: unknown fields, missing fields and nulls for primitives are errors, so that
 * any change to the format shows up as a new format version rather than as silently lost data. The
 * version is checked before anything else, so a file from a newer Tessera is reported as such and
 * not as corrupt. Thread-safe.
 */
final class JsonCodec<T, J> {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .build();

  private final Class<J> jsonType;
  private final int version;
  private final Function<T, J> toJson;
  private final Function<J, T> fromJson;

  JsonCodec(Class<J> jsonType, int version, Function<T, J> toJson, Function<J, T> fromJson) {
    this.jsonType = jsonType;
    this.version = version;
    this.toJson = toJson;
    this.fromJson = fromJson;
  }

  static final JsonCodec<PodSandbox, PodSandboxJson> POD_SANDBOX =
      new JsonCodec<>(
          PodSandboxJson.class,
          PodSandboxJson.VERSION,
          PodSandboxJsonTranslator::toJson,
          PodSandboxJsonTranslator::fromJson);

  static final JsonCodec<Container, ContainerJson> CONTAINER =
      new JsonCodec<>(
          ContainerJson.class,
          ContainerJson.VERSION,
          ContainerJsonTranslator::toJson,
          ContainerJsonTranslator::fromJson);

  byte[] encode(T value) {
    try {
      return MAPPER.writeValueAsBytes(toJson.apply(value));
    } catch (JsonProcessingException e) {
      throw new InternalException("encode " + jsonType.getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  /**
   * @throws RecordFormatException if the bytes are not a valid file of this codec's version
   */
  T decode(byte[] bytes) {
    JsonNode tree;
    try {
      tree = MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw RecordFormatException.corrupt("not valid JSON: " + e.getMessage(), e);
    }
    if (tree == null || !tree.isObject()) {
      throw RecordFormatException.corrupt("not a JSON object");
    }
    JsonNode v = tree.get("version");
    if (v == null || !v.isInt()) {
      throw RecordFormatException.corrupt("no integer format version");
    }
    if (v.intValue() != version) {
      throw RecordFormatException.unknownVersion(
          "format version " + v.intValue() + ", this build reads version " + version);
    }
    J json;
    try {
      json = MAPPER.treeToValue(tree, jsonType);
    } catch (JsonProcessingException e) {
      throw RecordFormatException.corrupt(
          "does not fit format " + version + ": " + e.getOriginalMessage(), e);
    }
    try {
      return fromJson.apply(json);
    } catch (RecordFormatException e) {
      throw e;
    } catch (TesseraException | NullPointerException | IllegalArgumentException e) {
      throw RecordFormatException.corrupt("invalid value: " + e.getMessage(), e);
    }
  }
}
