package io.tessera.storage.registry;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.storage.ref.Digest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Translates manifest and index JSON ({@link ManifestJson}) to the domain records, validating. */
final class ManifestTranslator {

  private static final ObjectMapper MAPPER =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private ManifestTranslator() {}

  static ManifestJson read(byte[] json) {
    try {
      ManifestJson m = MAPPER.readValue(json, ManifestJson.class);
      if (m == null) {
        throw new InvalidArgumentException("manifest: empty document");
      }
      return m;
    } catch (IOException e) {
      throw new InvalidArgumentException("manifest: not valid JSON: " + e.getMessage(), e);
    }
  }

  /**
   * The media type of a document: the server's Content-Type when it names a manifest type (and the
   * document does not contradict it), else the document's own {@code mediaType}, else a guess from
   * its shape (OCI allows omitting the field).
   */
  static String mediaType(ManifestJson m, String contentType) {
    String header = contentType == null ? null : contentType.split(";", 2)[0].trim();
    boolean headerKnown =
        header != null && (MediaTypes.isIndex(header) || MediaTypes.isManifest(header));
    if (headerKnown) {
      if (m.mediaType != null && !m.mediaType.equals(header)) {
        throw new InvalidArgumentException(
            "manifest: served as " + header + " but declares mediaType " + m.mediaType);
      }
      return header;
    }
    if (header != null
        && (header.equals(MediaTypes.DOCKER_SCHEMA1_MANIFEST)
            || header.equals(MediaTypes.DOCKER_SCHEMA1_SIGNED_MANIFEST))) {
      return header;
    }
    if (m.mediaType != null) {
      return m.mediaType;
    }
    if (m.manifests != null) {
      return MediaTypes.OCI_INDEX;
    }
    if (m.config != null) {
      return MediaTypes.OCI_MANIFEST;
    }
    throw new InvalidArgumentException("manifest: no media type and neither config nor manifests");
  }

  static ImageManifest toManifest(ManifestJson m, String contentType) {
    String type = mediaType(m, contentType);
    if (!MediaTypes.isManifest(type)) {
      throw unsupported(type, "an image manifest");
    }
    checkSchemaVersion(m);
    if (m.config == null) {
      throw new InvalidArgumentException("manifest: missing config descriptor");
    }
    if (m.layers == null) {
      throw new InvalidArgumentException("manifest: missing layers");
    }
    List<Descriptor> layers = new ArrayList<>();
    for (int i = 0; i < m.layers.size(); i++) {
      layers.add(descriptor(m.layers.get(i), "layers[" + i + "]"));
    }
    return new ImageManifest(type, descriptor(m.config, "config"), layers, orEmpty(m.annotations));
  }

  static ImageIndex toIndex(ManifestJson m, String contentType) {
    String type = mediaType(m, contentType);
    if (!MediaTypes.isIndex(type)) {
      throw unsupported(type, "an image index");
    }
    checkSchemaVersion(m);
    if (m.manifests == null) {
      throw new InvalidArgumentException("image index: missing manifests");
    }
    List<Descriptor> entries = new ArrayList<>();
    for (int i = 0; i < m.manifests.size(); i++) {
      entries.add(descriptor(m.manifests.get(i), "manifests[" + i + "]"));
    }
    return new ImageIndex(type, entries, orEmpty(m.annotations));
  }

  private static InvalidArgumentException unsupported(String type, String wanted) {
    if (type.equals(MediaTypes.DOCKER_SCHEMA1_MANIFEST)
        || type.equals(MediaTypes.DOCKER_SCHEMA1_SIGNED_MANIFEST)) {
      return new InvalidArgumentException(
          "manifest: Docker schema 1 (" + type + ") is deprecated and not supported");
    }
    return new InvalidArgumentException("manifest: media type " + type + " is not " + wanted);
  }

  private static void checkSchemaVersion(ManifestJson m) {
    if (m.schemaVersion == null || m.schemaVersion != 2) {
      throw new InvalidArgumentException(
          "manifest: schemaVersion " + m.schemaVersion + ", expected 2");
    }
  }

  private static Descriptor descriptor(ManifestJson.DescriptorJson d, String where) {
    if (d == null) {
      throw new InvalidArgumentException("manifest " + where + ": null descriptor");
    }
    if (d.mediaType == null || d.mediaType.isEmpty()) {
      throw new InvalidArgumentException("manifest " + where + ": missing mediaType");
    }
    if (d.size == null) {
      throw new InvalidArgumentException("manifest " + where + ": missing size");
    }
    Digest digest;
    try {
      digest = Digest.parse(d.digest);
    } catch (InvalidArgumentException e) {
      throw new InvalidArgumentException("manifest " + where + ": " + e.getMessage(), e);
    }
    Optional<Platform> platform = Optional.empty();
    if (d.platform != null) {
      try {
        platform =
            Optional.of(new Platform(d.platform.os, d.platform.architecture, d.platform.variant));
      } catch (InvalidArgumentException e) {
        throw new InvalidArgumentException("manifest " + where + ": " + e.getMessage(), e);
      }
    }
    return new Descriptor(
        d.mediaType,
        digest,
        d.size,
        d.urls == null ? List.of() : d.urls,
        orEmpty(d.annotations),
        platform);
  }

  private static Map<String, String> orEmpty(Map<String, String> m) {
    if (m == null) {
      return Map.of();
    }
    Map<String, String> copy = new HashMap<>();
    m.forEach(
        (k, v) -> {
          if (k != null && v != null) {
            copy.put(k, v);
          }
        });
    return copy;
  }
}
