package io.tessera.kernel.oci.spec;

/** One runtime-spec {@code linux.devices} entry: a device node the runtime creates. */
@OciJson
public final class LinuxDevice {
  private String path;
  private String type;
  private long major;
  private long minor;
  private Integer fileMode;
  private Long uid;
  private Long gid;

  public LinuxDevice() {}

  /**
   * @param type {@code c} (character), {@code b} (block), {@code u} (unbuffered) or {@code p}
   */
  public LinuxDevice(String path, String type, long major, long minor) {
    this.path = path;
    this.type = type;
    this.major = major;
    this.minor = minor;
  }

  public String path() {
    return path;
  }

  public String type() {
    return type;
  }

  public long major() {
    return major;
  }

  public long minor() {
    return minor;
  }

  public Integer fileMode() {
    return fileMode;
  }

  public LinuxDevice fileMode(Integer fileMode) {
    this.fileMode = fileMode;
    return this;
  }

  public Long uid() {
    return uid;
  }

  public LinuxDevice uid(Long uid) {
    this.uid = uid;
    return this;
  }

  public Long gid() {
    return gid;
  }

  public LinuxDevice gid(Long gid) {
    this.gid = gid;
    return this;
  }
}
