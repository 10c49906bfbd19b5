package io.tessera.sandbox.model;

import io.tessera.kernel.errors.InvalidArgumentException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What CreateContainer asked for (CRI ContainerConfig, Linux part): request data only, never
 * changed after the container is created. Windows settings are not carried.
 *
 * @param command overrides the image entrypoint; empty keeps it
 * @param args overrides the image cmd; empty keeps it
 * @param envs in request order, duplicates kept (the last one wins in the process)
 * @param annotations opaque to the runtime, echoed back unchanged
 * @param logPath relative to the pod's log directory; empty = no log
 * @param cdiDevices fully qualified CDI device names ("vendor.com/class=name"), carried through
 * @param stopSignal a CRI signal name ("SIGTERM", "SIGRTMINPLUS1"); absent = the image's or the
 *     runtime's default (CRI RUNTIME_DEFAULT)
 */
public record ContainerConfig(
    ContainerMetadata metadata,
    ImageSpec image,
    List<String> command,
    List<String> args,
    String workingDir,
    List<KeyValue> envs,
    List<Mount> mounts,
    List<Device> devices,
    Map<String, String> labels,
    Map<String, String> annotations,
    String logPath,
    boolean stdin,
    boolean stdinOnce,
    boolean tty,
    LinuxContainerConfig linux,
    List<String> cdiDevices,
    Optional<String> stopSignal) {

  private static final Pattern SIGNAL = Pattern.compile("SIG[A-Z0-9]+");

  public ContainerConfig {
    Objects.requireNonNull(metadata, "container metadata");
    Objects.requireNonNull(image, "container image");
    command = List.copyOf(command);
    args = List.copyOf(args);
    Objects.requireNonNull(workingDir, "working dir");
    envs = List.copyOf(envs);
    mounts = List.copyOf(mounts);
    devices = List.copyOf(devices);
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
    Objects.requireNonNull(logPath, "log path");
    if (logPath.startsWith("/")) {
      throw new InvalidArgumentException(
          "container log path '" + logPath + "' must be relative to the pod's log directory");
    }
    Objects.requireNonNull(linux, "linux container config");
    cdiDevices = List.copyOf(cdiDevices);
    Objects.requireNonNull(stopSignal, "stop signal");
    stopSignal.ifPresent(
        s -> {
          if (!SIGNAL.matcher(s).matches()) {
            throw new InvalidArgumentException("stop signal '" + s + "' is not a signal name");
          }
        });
  }

  public static Builder builder(ContainerMetadata metadata, ImageSpec image) {
    return new Builder(metadata, image);
  }

  public Builder toBuilder() {
    return new Builder(metadata, image)
        .command(command)
        .args(args)
        .workingDir(workingDir)
        .envs(envs)
        .mounts(mounts)
        .devices(devices)
        .labels(labels)
        .annotations(annotations)
        .logPath(logPath)
        .stdin(stdin)
        .stdinOnce(stdinOnce)
        .tty(tty)
        .linux(linux)
        .cdiDevices(cdiDevices)
        .stopSignal(stopSignal);
  }

  /** Collects the fields of a {@link ContainerConfig}; not thread-safe. */
  public static final class Builder {
    private final ContainerMetadata metadata;
    private final ImageSpec image;
    private List<String> command = new ArrayList<>();
    private List<String> args = new ArrayList<>();
    private String workingDir = "";
    private List<KeyValue> envs = new ArrayList<>();
    private List<Mount> mounts = new ArrayList<>();
    private List<Device> devices = new ArrayList<>();
    private Map<String, String> labels = new LinkedHashMap<>();
    private Map<String, String> annotations = new LinkedHashMap<>();
    private String logPath = "";
    private boolean stdin;
    private boolean stdinOnce;
    private boolean tty;
    private LinuxContainerConfig linux = LinuxContainerConfig.DEFAULT;
    private List<String> cdiDevices = new ArrayList<>();
    private Optional<String> stopSignal = Optional.empty();

    private Builder(ContainerMetadata metadata, ImageSpec image) {
      this.metadata = metadata;
      this.image = image;
    }

    public Builder command(List<String> v) {
      this.command = new ArrayList<>(v);
      return this;
    }

    public Builder args(List<String> v) {
      this.args = new ArrayList<>(v);
      return this;
    }

    public Builder workingDir(String v) {
      this.workingDir = v;
      return this;
    }

    public Builder envs(List<KeyValue> v) {
      this.envs = new ArrayList<>(v);
      return this;
    }

    public Builder mounts(List<Mount> v) {
      this.mounts = new ArrayList<>(v);
      return this;
    }

    public Builder devices(List<Device> v) {
      this.devices = new ArrayList<>(v);
      return this;
    }

    public Builder labels(Map<String, String> v) {
      this.labels = new LinkedHashMap<>(v);
      return this;
    }

    public Builder annotations(Map<String, String> v) {
      this.annotations = new LinkedHashMap<>(v);
      return this;
    }

    public Builder logPath(String v) {
      this.logPath = v;
      return this;
    }

    public Builder stdin(boolean v) {
      this.stdin = v;
      return this;
    }

    public Builder stdinOnce(boolean v) {
      this.stdinOnce = v;
      return this;
    }

    public Builder tty(boolean v) {
      this.tty = v;
      return this;
    }

    public Builder linux(LinuxContainerConfig v) {
      this.linux = v;
      return this;
    }

    public Builder cdiDevices(List<String> v) {
      this.cdiDevices = new ArrayList<>(v);
      return this;
    }

    public Builder stopSignal(Optional<String> v) {
      this.stopSignal = v;
      return this;
    }

    public ContainerConfig build() {
      return new ContainerConfig(
          metadata,
          image,
          command,
          args,
          workingDir,
          envs,
          mounts,
          devices,
          labels,
          annotations,
          logPath,
          stdin,
          stdinOnce,
          tty,
          linux,
          cdiDevices,
          stopSignal);
    }
  }
}
