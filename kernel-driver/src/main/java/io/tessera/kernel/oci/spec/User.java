package io.tessera.kernel.oci.spec;

import java.util.ArrayList;
import java.util.List;

/** The runtime-spec {@code process.user}: numeric ids as the kernel sees them. */
@OciJson
public final class User {
  private long uid;
  private long gid;
  private Integer umask;
  private List<Long> additionalGids = new ArrayList<>();

  public User() {}

  public User(long uid, long gid) {
    this.uid = uid;
    this.gid = gid;
  }

  public long uid() {
    return uid;
  }

  public User uid(long uid) {
    this.uid = uid;
    return this;
  }

  public long gid() {
    return gid;
  }

  public User gid(long gid) {
    this.gid = gid;
    return this;
  }

  /** The umask, or null for the runtime's default (0022). */
  public Integer umask() {
    return umask;
  }

  public User umask(Integer umask) {
    this.umask = umask;
    return this;
  }

  public List<Long> additionalGids() {
    return additionalGids;
  }

  public User additionalGids(List<Long> additionalGids) {
    this.additionalGids = new ArrayList<>(additionalGids);
    return this;
  }
}
