package io.tessera.sandbox.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.persist.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Persists the outcome of each ADD (config, capability args, CNI_ARGS, result), one JSON file per
 * (network, container, interface), like libcni's results cache: DEL and CHECK need the ADD's result
 * as prevResult and are run with the ADD's config even if the conf dir changed since.
 *
 * <p>The directory must survive reboots (host-local's allocations do), so it belongs under the
 * runtime's root dir. Writes are atomic. Thread-safe for distinct keys.
 */
final class ResultCache {
  private static final Logger LOG = LoggerFactory.getLogger(ResultCache.class);
  static final String KIND = "tesseraCniCacheV1";

  private final Path dir;

  ResultCache(Path dir) {
    this.dir = dir;
  }

  Path dir() {
    return dir;
  }

  /** What one ADD left. */
  record Entry(
      String networkName,
      String containerId,
      String ifName,
      ObjectNode config,
      ObjectNode capabilityArgs,
      String cniArgs,
      JsonNode result) {}

  Path fileFor(String network, String containerId, String ifName) {
    return dir.resolve(network + "-" + containerId + "-" + ifName);
  }

  void save(Entry e) {
    ObjectNode json = ConfigParser.JSON.createObjectNode();
    json.put("kind", KIND);
    json.put("networkName", e.networkName());
    json.put("containerId", e.containerId());
    json.put("ifName", e.ifName());
    json.set("config", e.config());
    json.set("capabilityArgs", e.capabilityArgs());
    json.put("cniArgs", e.cniArgs());
    json.set("result", e.result());
    Path file = fileFor(e.networkName(), e.containerId(), e.ifName());
    try {
      Files.createDirectories(dir);
      AtomicFiles.write(file, json.toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException ex) {
      throw new InternalException(
          "CNI result cache: cannot write " + file + " for container " + e.containerId(), ex);
    }
  }

  /**
   * Every entry for this container and interface, whatever network it was added to (the config may
   * have been renamed since). Unreadable files are logged and skipped.
   */
  List<Entry> find(String containerId, String ifName) {
    List<Entry> out = new ArrayList<>();
    String suffix = "-" + containerId + "-" + ifName;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + suffix)) {
      for (Path f : files) {
        Entry e = read(f);
        if (e != null && e.containerId().equals(containerId) && e.ifName().equals(ifName)) {
          out.add(e);
        }
      }
    } catch (NoSuchFileException e) {
      return out;
    } catch (IOException e) {
      throw new InternalException("CNI result cache: cannot list " + dir, e);
    }
    return out;
  }

  void delete(String network, String containerId, String ifName) {
    Path file = fileFor(network, containerId, ifName);
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new InternalException("CNI result cache: cannot delete " + file, e);
    }
  }

  private static Entry read(Path f) {
    try {
      JsonNode json = ConfigParser.JSON.readTree(Files.readAllBytes(f));
      if (!KIND.equals(json.path("kind").asText())
          || !json.path("config").isObject()
          || !json.path("capabilityArgs").isObject()) {
        LOG.warn("CNI result cache: ignoring {}: not a {} file", f, KIND);
        return null;
      }
      return new Entry(
          json.path("networkName").asText(),
          json.path("containerId").asText(),
          json.path("ifName").asText(),
          (ObjectNode) json.get("config"),
          (ObjectNode) json.get("capabilityArgs"),
          json.path("cniArgs").asText(),
          json.path("result").isObject() ? json.get("result") : null);
    } catch (IOException e) {
      LOG.warn("CNI result cache: ignoring unreadable {}: {}", f, e.toString());
      return null;
    }
  }
}
