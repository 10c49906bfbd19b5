package io.tessera.storage.registry;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The TOML of containers-registries.conf(5) version 2 as Jackson reads it. Keys this class does not
 * name (short-name-mode, aliases, credential-helpers, ...) belong to other tools sharing the file
 * and are ignored.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
final class RegistriesConfJson {
  @JsonProperty("unqualified-search-registries")
  public List<String> unqualifiedSearchRegistries;

  public List<RegistryJson> registry;

  /** Only version 1 files have this table; it is refused. */
  public Map<String, Object> registries;

  @JsonIgnoreProperties(ignoreUnknown = true)
  static final class RegistryJson {
    public String prefix;
    public String location;
    public Boolean insecure;
    public Boolean blocked;

    @JsonProperty("mirror-by-digest-only")
    public Boolean mirrorByDigestOnly;

    public List<MirrorJson> mirror;
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  static final class MirrorJson {
    public String location;
    public Boolean insecure;

    @JsonProperty("pull-from-mirror")
    public String pullFromMirror;
  }
}
