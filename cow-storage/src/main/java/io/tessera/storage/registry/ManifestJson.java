package io.tessera.storage.registry;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The wire form of an image manifest or index, as Jackson reads it: every field optional, nothing
 * validated. {@link ManifestTranslator} turns it into the domain records.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
final class ManifestJson {
  public Integer schemaVersion;
  public String mediaType;
  public DescriptorJson config;
  public List<DescriptorJson> layers;
  public List<DescriptorJson> manifests;
  public Map<String, String> annotations;

  /** A descriptor on the wire. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  static final class DescriptorJson {
    public String mediaType;
    public String digest;
    public Long size;
    public List<String> urls;
    public Map<String, String> annotations;
    public PlatformJson platform;
  }

  /** A platform on the wire. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  static final class PlatformJson {
    public String os;
    public String architecture;
    public String variant;

    @JsonProperty("os.version")
    public String osVersion;
  }
}
