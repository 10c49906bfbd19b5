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
}
