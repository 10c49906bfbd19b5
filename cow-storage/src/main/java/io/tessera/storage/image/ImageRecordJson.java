package io.tessera.storage.image;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * On-disk form of an {@link ImageRecord}: {@code <root>/images/<id-hex>.json}. Versioned; the
 * configuration itself is not copied here, it is read from the content store by digest.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
final class ImageRecordJson {
  static final int CURRENT_VERSION = 1;

  public int version;
  public String id;
  public List<String> repoTags;
  public List<String> repoDigests;
  public List<String> manifestDigests;
  public List<LayerJson> layers;
  public boolean pinned;

  @JsonIgnoreProperties(ignoreUnknown = true)
  static final class LayerJson {
    public String blob;
    public String mediaType;
    public long size;
    public String diffId;
    public String chainId;
  }
}
