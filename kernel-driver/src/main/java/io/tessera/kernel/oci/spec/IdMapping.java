package io.tessera.kernel.oci.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/** One user-namespace id mapping: {@code size} ids from {@code containerID} to {@code hostID}. */
@OciJson
public final class IdMapping {
  @JsonProperty("containerID")
  private long containerId;

  @JsonProperty("hostID")
  private long hostId;

  private long size;

  public IdMapping() {}

  public IdMapping(long containerId, long hostId, long size) {
    this.containerId = containerId;
    this.hostId = hostId;
    this.size = size;
  }

  public long containerId() {
    return containerId;
  }

  public long hostId() {
    return hostId;
  }

  public long size() {
    return size;
  }
}
