package io.tessera.sandbox.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What RunPodSandbox asked for (CRI PodSandboxConfig, Linux part): request data only, never changed
 * after the sandbox is created. Windows settings are not carried: Tessera runs Linux pods only.
 *
 * @param hostname CRI allows it empty only with a NODE network namespace (not checked here)
 * @param logDirectory host directory for container logs; empty when the kubelet sent none
 * @param dnsConfig absent when the request had none (the runtime then copies the host's)
 * @param annotations opaque to the runtime, echoed back unchanged
 */
public record PodSandboxConfig(
    PodSandboxMetadata metadata,
    String hostname,
    String logDirectory,
    Optional<DnsConfig> dnsConfig,
    List<PortMapping> portMappings,
    Map<String, String> labels,
    Map<String, String> annotations,
    LinuxPodSandboxConfig linux) {

  public PodSandboxConfig {
    Objects.requireNonNull(metadata, "pod sandbox metadata");
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(logDirectory, "log directory");
    Objects.requireNonNull(dnsConfig, "dns config");
    portMappings = List.copyOf(portMappings);
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
    Objects.requireNonNull(linux, "linux pod sandbox config");
  }

  public static Builder builder(PodSandboxMetadata metadata) {
    return new Builder(metadata);
  }

  public Builder toBuilder() {
    return new Builder(metadata)
        .hostname(hostname)
        .logDirectory(logDirectory)
        .dnsConfig(dnsConfig)
        .portMappings(portMappings)
        .labels(labels)
        .annotations(annotations)
        .linux(linux);
  }

  /** Collects the fields of a {@link PodSandboxConfig}; not thread-safe. */
  public static final class Builder {
    private final PodSandboxMetadata metadata;
    private String hostname = "";
    private String logDirectory = "";
    private Optional<DnsConfig> dnsConfig = Optional.empty();
    private List<PortMapping> portMappings = new ArrayList<>();
    private Map<String, String> labels = new LinkedHashMap<>();
    private Map<String, String> annotations = new LinkedHashMap<>();
    private LinuxPodSandboxConfig linux = LinuxPodSandboxConfig.DEFAULT;

    private Builder(PodSandboxMetadata metadata) {
      this.metadata = metadata;
    }

    public Builder hostname(String v) {
      this.hostname = v;
      return this;
    }

    public Builder logDirectory(String v) {
      this.logDirectory = v;
      return this;
    }

    public Builder dnsConfig(Optional<DnsConfig> v) {
      this.dnsConfig = v;
      return this;
    }

    public Builder portMappings(List<PortMapping> v) {
      this.portMappings = new ArrayList<>(v);
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

    public Builder linux(LinuxPodSandboxConfig v) {
      this.linux = v;
      return this;
    }

    public PodSandboxConfig build() {
      return new PodSandboxConfig(
          metadata, hostname, logDirectory, dnsConfig, portMappings, labels, annotations, linux);
    }
  }
}
