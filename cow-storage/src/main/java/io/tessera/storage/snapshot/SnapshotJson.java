package io.tessera.storage.snapshot;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
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
}
