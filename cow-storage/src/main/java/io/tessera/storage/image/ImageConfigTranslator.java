package io.tessera.storage.image;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.storage.ref.Digest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads an image configuration blob into an {@link ImageConfig}. Stateless and thread-safe. */
public final class ImageConfigTranslator {
  private static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private ImageConfigTranslator() {}

  /**
   * Parses and checks the configuration.
   *
   * @throws InvalidArgumentException when it is not JSON, not a layered rootfs, or has bad diff ids
   */
  public static ImageConfig parse(byte[] json) {
    ImageConfigJson c;
    try {
      c = JSON.readValue(json, ImageConfigJson.class);
    } catch (IOException e) {
      throw new InvalidArgumentException("image config is not valid JSON: " + e.getMessage(), e);
    }
    if (c == null || c.rootfs == null || !"layers".equals(c.rootfs.type)) {
      throw new InvalidArgumentException("image config has no rootfs of type \"layers\"");
    }
    List<Digest> diffIds = new ArrayList<>();
    for (String d : nullToEmpty(c.rootfs.diffIds)) {
      diffIds.add(Digest.parse(d));
    }
    ImageConfigJson.Config cc = c.config == null ? new ImageConfigJson.Config() : c.config;
    return new ImageConfig(
        c.os == null ? "" : c.os,
        c.architecture == null ? "" : c.architecture,
        cc.user == null ? "" : cc.user,
        nullToEmpty(cc.env),
        nullToEmpty(cc.entrypoint),
        nullToEmpty(cc.cmd),
        cc.workingDir == null ? "" : cc.workingDir,
        cc.labels == null ? Map.of() : new TreeMap<>(cc.labels),
        cc.volumes == null ? List.of() : List.copyOf(new TreeMap<>(cc.volumes).keySet()),
        cc.exposedPorts == null ? List.of() : List.copyOf(new TreeMap<>(cc.exposedPorts).keySet()),
        cc.stopSignal == null ? "" : cc.stopSignal,
        diffIds);
  }

  private static List<String> nullToEmpty(List<String> l) {
    if (l == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>(l.size());
    for (String s : l) {
      if (s != null) {
        out.add(s);
      }
    }
    return out;
  }
}
