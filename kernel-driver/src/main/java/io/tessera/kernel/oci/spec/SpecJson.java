package io.tessera.kernel.oci.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.errors.InvalidArgumentException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Reads and writes runtime-spec documents (config.json, exec process.json). Thread-safe. */
public final class SpecJson {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private SpecJson() {}

  /** The shared mapper (configured for the runtime-spec classes); do not reconfigure it. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  public static String toJson(Object document) {
    try {
      return MAPPER.writeValueAsString(document);
    } catch (JsonProcessingException e) {
      throw new InternalException("serialize " + document.getClass().getSimpleName(), e);
    }
  }

  public static <T> T fromJson(String json, Class<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new InvalidArgumentException("parse " + type.getSimpleName() + " JSON", e);
    }
  }

  /** A deep copy through JSON, for specs assembled from a shared default. */
  public static <T> T copy(T document, Class<T> type) {
    return fromJson(toJson(document), type);
  }

  /**
   * Writes {@code document} to {@code file}: a temp file beside it, fsync, atomic rename, so a
   * runtime never reads half a config.
   */
  public static void write(Object document, Path file) {
    Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
    try {
      byte[] bytes = toJson(document).getBytes(StandardCharsets.UTF_8);
      try (FileChannel ch =
          FileChannel.open(
              tmp,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        ch.write(java.nio.ByteBuffer.wrap(bytes));
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException undo) {
        e.addSuppressed(undo);
      }
      throw new InternalException("write " + file, e);
    }
  }

  public static <T> T read(Path file, Class<T> type) {
    try {
      return fromJson(Files.readString(file), type);
    } catch (IOException e) {
      throw new InternalException("read " + file, e);
    }
  }
}
