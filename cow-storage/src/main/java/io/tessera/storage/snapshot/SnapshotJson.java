package io.tessera.storage.snapshot;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** On-disk form of a snapshot: {@code <root>/snapshots/<key>/snapshot.json}. Versioned. */
@JsonIgnoreProperties(ignoreUnknown = true)
final class SnapshotJson {
  static final int CURRENT_VERSION = 1;

  public int version;
  public String key;

  /** Absolute layer directories, base layer first. */
  public List<String> lowerDirs;

  /**
   * The writable layer's cap in bytes and the XFS project id that enforces it; 0 for none. Added
   * within version 1: older files lack them, which reads as "no cap".
   */
  public long sizeLimitBytes;

  public int projectId;

  /**
   * {@link #LOOP} when {@code fs} and {@code work} are on the snapshot's own loop-mounted ext4
   * image ({@code layer/} over {@code layer.img}); absent (null) when they are plain directories.
   * Added within version 1.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public String layerFilesystem;

  static final String LOOP = "loop-ext4";
}
