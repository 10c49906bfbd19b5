package io.tessera.sandbox.model;

import java.util.Map;
import java.util.Objects;

/**
 * A pod sandbox: its fixed part (id, request, runtime handler, creation time, runtime facts) and
 * its current {@link PodSandboxStatus}.
 *
 * <p>Immutable. The fixed part never changes after the sandbox is stored; a change of status makes
 * a new value through {@link #withStatus}, and the store only ever swaps the status.
 *
 * @param id 64 lowercase hex digits
 * @param runtimeHandler the handler the sandbox runs with, resolved (never the "" default alias)
 * @param createdAt nanoseconds since the epoch, > 0
 */
public record PodSandbox(
    String id,
    PodSandboxConfig config,
    String runtimeHandler,
    long createdAt,
    PodSandboxRuntimeFacts facts,
    PodSandboxStatus status) {

  public PodSandbox {
    Checks.id(id, "pod sandbox id");
    Objects.requireNonNull(config, "pod sandbox config");
    Checks.nonEmpty(runtimeHandler, "runtime handler");
    Checks.positive(createdAt, "pod sandbox created at");
    Objects.requireNonNull(facts, "pod sandbox runtime facts");
    Objects.requireNonNull(status, "pod sandbox status");
  }

  public PodSandboxMetadata metadata() {
    return config.metadata();
  }

  public PodSandboxState state() {
    return status.state();
  }

  public Map<String, String> labels() {
    return config.labels();
  }

  public Map<String, String> annotations() {
    return config.annotations();
  }

  public PodSandbox withStatus(PodSandboxStatus status) {
    return new PodSandbox(id, config, runtimeHandler, createdAt, facts, status);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Collects the fields of a {@link PodSandbox}; not thread-safe. Id, config, handler and creation
   * time are required.
   */
  public static final class Builder {
    private String id;
    private PodSandboxConfig config;
    private String runtimeHandler;
    private long createdAt;
    private PodSandboxRuntimeFacts facts = PodSandboxRuntimeFacts.NONE;
    private PodSandboxStatus status;

    private Builder() {}

    public Builder id(String v) {
      this.id = v;
      return this;
    }

    public Builder config(PodSandboxConfig v) {
      this.config = v;
      return this;
    }

    public Builder runtimeHandler(String v) {
      this.runtimeHandler = v;
      return this;
    }

    public Builder createdAt(long nanos) {
      this.createdAt = nanos;
      return this;
    }

    public Builder facts(PodSandboxRuntimeFacts v) {
      this.facts = v;
      return this;
    }

    /** Defaults to {@link PodSandboxStatus#ready} of the config when not set. */
    public Builder status(PodSandboxStatus v) {
      this.status = v;
      return this;
    }

    public PodSandbox build() {
      Objects.requireNonNull(config, "pod sandbox config");
      PodSandboxStatus s = status != null ? status : PodSandboxStatus.ready(config.linux());
      return new PodSandbox(id, config, runtimeHandler, createdAt, facts, s);
    }
  }
}
