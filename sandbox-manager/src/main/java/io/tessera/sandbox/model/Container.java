package io.tessera.sandbox.model;

import java.util.Map;
import java.util.Objects;

/**
 * A container: its fixed part (id, pod, request, runtime facts) and its current {@link
 * ContainerStatus}.
 *
 * <p>Immutable. The fixed part never changes after the container is stored; a change of status
 * makes a new value through {@link #withStatus}, and the store only ever swaps the status.
 *
 * @param id 64 lowercase hex digits
 * @param podSandboxId the full id of the pod sandbox it belongs to
 */
public record Container(
    String id,
    String podSandboxId,
    ContainerConfig config,
    ContainerRuntimeFacts facts,
    ContainerStatus status) {

  public Container {
    Checks.id(id, "container id");
    Checks.id(podSandboxId, "pod sandbox id of container " + id);
    Objects.requireNonNull(config, "container config");
    Objects.requireNonNull(facts, "container runtime facts");
    Objects.requireNonNull(status, "container status");
  }

  public ContainerMetadata metadata() {
    return config.metadata();
  }

  public ContainerState state() {
    return status.state();
  }

  /** Nanoseconds since the epoch. */
  public long createdAt() {
    return status.createdAt();
  }

  public Map<String, String> labels() {
    return config.labels();
  }

  public Map<String, String> annotations() {
    return config.annotations();
  }

  public Container withStatus(ContainerStatus status) {
    return new Container(id, podSandboxId, config, facts, status);
  }
}
