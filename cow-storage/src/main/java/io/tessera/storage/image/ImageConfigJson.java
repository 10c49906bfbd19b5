package io.tessera.storage.image;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The OCI image configuration (application/vnd.oci.image.config.v1+json, and Docker's equivalent)
 * as it is on the wire. Only {@link ImageConfigTranslator} reads it; unknown fields are ignored
 * because images carry many that the runtime has no use for.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
final class ImageConfigJson {
  public String architecture;
  public String os;
  public String variant;
  public String created;
  public String author;
  public Config config;
  public RootFs rootfs;

  @JsonIgnoreProperties(ignoreUnknown = true)
  static final class Config {
    @JsonProperty("User")
    public String user;

    @JsonProperty("ExposedPorts")
    public Map<String, Object> exposedPorts;

    @JsonProperty("Env")
    public List<String> env;

    @JsonProperty("Entrypoint")
    public List<String> entrypoint;

    @JsonProperty("Cmd")
    public List<String> cmd;

    @JsonProperty("Volumes")
    public Map<String, Object> volumes;

    @JsonProperty("WorkingDir")
    public String workingDir;

    @JsonProperty("Labels")
    public Map<String, String> labels;

    @JsonProperty("StopSignal")
    public String stopSignal;
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  static final class RootFs {
    public String type;

    @JsonProperty("diff_ids")
    public List<String> diffIds;
  }
}
