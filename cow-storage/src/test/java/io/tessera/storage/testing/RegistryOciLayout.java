package io.tessera.storage.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tessera.storage.ref.Digest;
import io.tessera.storage.registry.Descriptor;
import io.tessera.storage.registry.MediaTypes;
import io.tessera.storage.registry.Platform;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes an OCI image layout (image-layout.md: {@code oci-layout}, {@code index.json}, {@code
 * blobs/sha256/...}) by hand, for tests that need exact control over blobs, platforms and sizes;
 * push it with {@link TestRegistry#push}. Layers are real tar+gzip archives.
 *
 * <p>Not thread-safe. Call {@link #tag} for each image to name, then {@link #write}.
 */
public final class RegistryOciLayout {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final Map<String, Descriptor> tags = new LinkedHashMap<>();

  /** A compressed layer and the digest of its uncompressed tar (the config's diff id). */
  public record Layer(Descriptor descriptor, Digest diffId) {}

  private RegistryOciLayout(Path dir) {
    this.dir = dir;
  }

  /** Starts a layout in {@code dir} (created if missing). */
  public static RegistryOciLayout create(Path dir) {
    try {
      Files.createDirectories(dir.resolve("blobs/sha256"));
      Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new RegistryOciLayout(dir);
  }

  public Path dir() {
    return dir;
  }

  /** A layer holding the given files (path to content), mode 0644, owned by root. */
  public Layer addLayer(Map<String, byte[]> files) {
    return addLayer(
        out -> {
          for (Map.Entry<String, byte[]> f : files.entrySet()) {
            TarArchiveEntry e = new TarArchiveEntry(f.getKey());
            e.setSize(f.getValue().length);
            e.setMode(0100644);
            out.putArchiveEntry(e);
            out.write(f.getValue());
            out.closeArchiveEntry();
          }
        },
        Deflater.DEFAULT_COMPRESSION);
  }

  /** A layer with one file of {@code bytes} random (so incompressible) bytes, from {@code seed}. */
  public Layer addRandomLayer(String path, long bytes, long seed) {
    return addLayer(
        out -> {
          TarArchiveEntry e = new TarArchiveEntry(path);
          e.setSize(bytes);
          e.setMode(0100644);
          out.putArchiveEntry(e);
          Random random = new Random(seed);
          byte[] chunk = new byte[64 << 10];
          long left = bytes;
          while (left > 0) {
            random.nextBytes(chunk);
            int n = (int) Math.min(chunk.length, left);
            out.write(chunk, 0, n);
            left -= n;
          }
          out.closeArchiveEntry();
        },
        Deflater.BEST_SPEED);
  }

  private interface TarContent {
    void write(TarArchiveOutputStream out) throws IOException;
  }

  private Layer addLayer(TarContent content, int level) {
    try {
      Path temp = Files.createTempFile(dir, "layer", ".tmp");
      MessageDigest compressedHash = MessageDigest.getInstance("SHA-256");
      MessageDigest tarHash = MessageDigest.getInstance("SHA-256");
      try (OutputStream file = Files.newOutputStream(temp);
          DigestOutputStream compressed = new DigestOutputStream(file, compressedHash);
          GZIPOutputStream gzip =
              new GZIPOutputStream(compressed, 64 << 10) {
                {
                  def.setLevel(level);
                }
              };
          DigestOutputStream tar = new DigestOutputStream(gzip, tarHash);
          TarArchiveOutputStream out = new TarArchiveOutputStream(tar)) {
        content.write(out);
        out.finish();
      }
      Digest digest = new Digest("sha256", HexFormat.of().formatHex(compressedHash.digest()));
      Digest diffId = new Digest("sha256", HexFormat.of().formatHex(tarHash.digest()));
      long size = Files.size(temp);
      Files.move(temp, blobPath(digest), StandardCopyOption.REPLACE_EXISTING);
      return new Layer(Descriptor.of(MediaTypes.OCI_LAYER_GZIP, digest, size), diffId);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes a config and a manifest for {@code layers}; returns the manifest's descriptor. */
  public Descriptor addImage(Platform platform, List<Layer> layers) {
    ObjectNode config = JSON.createObjectNode();
    config.put("architecture", platform.architecture());
    config.put("os", platform.os());
    if (!platform.variant().isEmpty()) {
      config.put("variant", platform.variant());
    }
    config.putObject("config").putArray("Cmd").add("/bin/sh");
    ObjectNode rootfs = config.putObject("rootfs");
    rootfs.put("type", "layers");
    ArrayNode diffIds = rootfs.putArray("diff_ids");
    layers.forEach(l -> diffIds.add(l.diffId().toString()));
    Descriptor configDescriptor = addBlob(MediaTypes.OCI_CONFIG, bytes(config));

    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", MediaTypes.OCI_MANIFEST);
    manifest.set("config", descriptorJson(configDescriptor));
    ArrayNode layerArray = manifest.putArray("layers");
    layers.forEach(l -> layerArray.add(descriptorJson(l.descriptor())));
    Descriptor m = addBlob(MediaTypes.OCI_MANIFEST, bytes(manifest));
    return new Descriptor(
        m.mediaType(), m.digest(), m.size(), List.of(), Map.of(), Optional.of(platform));
  }

  /** Writes an image index over {@code manifests} (each with its platform). */
  public Descriptor addIndex(List<Descriptor> manifests) {
    ObjectNode index = JSON.createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", MediaTypes.OCI_INDEX);
    ArrayNode array = index.putArray("manifests");
    manifests.forEach(m -> array.add(descriptorJson(m)));
    return addBlob(MediaTypes.OCI_INDEX, bytes(index));
  }

  /** Any blob. */
  public Descriptor addBlob(String mediaType, byte[] content) {
    Digest digest = Digest.sha256Of(content);
    try {
      Files.write(blobPath(digest), content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Descriptor.of(mediaType, digest, content.length);
  }

  /** Names {@code target} (a manifest or index) {@code tag} in index.json. */
  public RegistryOciLayout tag(String tag, Descriptor target) {
    tags.put(tag, target);
    return this;
  }

  /** Writes index.json. */
  public Path write() {
    ObjectNode index = JSON.createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", MediaTypes.OCI_INDEX);
    ArrayNode array = index.putArray("manifests");
    tags.forEach(
        (tag, d) -> {
          ObjectNode entry = descriptorJson(d);
          entry.remove("platform");
          entry.putObject("annotations").put("org.opencontainers.image.ref.name", tag);
          array.add(entry);
        });
    try {
      Files.write(dir.resolve("index.json"), bytes(index));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }

  /** The bytes of a blob written earlier. */
  public byte[] blob(Digest digest) {
    try {
      return Files.readAllBytes(blobPath(digest));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path blobPath(Digest digest) {
    return dir.resolve("blobs").resolve(digest.algorithm()).resolve(digest.hex());
  }

  private static ObjectNode descriptorJson(Descriptor d) {
    ObjectNode n = JSON.createObjectNode();
    n.put("mediaType", d.mediaType());
    n.put("digest", d.digest().toString());
    n.put("size", d.size());
    d.platform()
        .ifPresent(
            p -> {
              ObjectNode pn = n.putObject("platform");
              pn.put("architecture", p.architecture());
              pn.put("os", p.os());
              if (!p.variant().isEmpty()) {
                pn.put("variant", p.variant());
              }
            });
    return n;
  }

  private static byte[] bytes(Object json) {
    try {
      return JSON.writeValueAsBytes(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** UTF-8 bytes, for small text files in layers. */
  public static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
