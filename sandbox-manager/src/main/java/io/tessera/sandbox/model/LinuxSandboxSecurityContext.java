package io.tessera.sandbox.model;

import io.tessera.kernel.errors.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Linux security settings of the sandbox itself, not of its containers (CRI
 * LinuxSandboxSecurityContext).
 *
 * @param runAsUser absent when CRI left it unset
 * @param runAsGroup only together with runAsUser
 * @param privileged true if any container of the pod will be privileged
 * @param seccomp absent when CRI left it unset (the deprecated path field is folded in at the edge)
 */
public record LinuxSandboxSecurityContext(
    NamespaceOptions namespaceOptions,
    Optional<SeLinuxOption> seLinuxOptions,
    OptionalLong runAsUser,
    OptionalLong runAsGroup,
    boolean readonlyRootfs,
    List<Long> supplementalGroups,
    SupplementalGroupsPolicy supplementalGroupsPolicy,
    boolean privileged,
    Optional<SecurityProfile> seccomp,
    Optional<SecurityProfile> apparmor) {

  /** CRI's defaults: nothing set. */
  public static final LinuxSandboxSecurityContext DEFAULT = builder().build();

  public LinuxSandboxSecurityContext {
    Objects.requireNonNull(namespaceOptions, "namespace options");
    Objects.requireNonNull(seLinuxOptions, "selinux options");
    Objects.requireNonNull(runAsUser, "run as user");
    Objects.requireNonNull(runAsGroup, "run as group");
    if (runAsGroup.isPresent() && runAsUser.isEmpty()) {
      throw new InvalidArgumentException("sandbox run_as_group needs run_as_user");
    }
    supplementalGroups = List.copyOf(supplementalGroups);
    Objects.requireNonNull(supplementalGroupsPolicy, "supplemental groups policy");
    Objects.requireNonNull(seccomp, "seccomp profile");
    Objects.requireNonNull(apparmor, "apparmor profile");
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .namespaceOptions(namespaceOptions)
        .seLinuxOptions(seLinuxOptions)
        .runAsUser(runAsUser)
        .runAsGroup(runAsGroup)
        .readonlyRootfs(readonlyRootfs)
        .supplementalGroups(supplementalGroups)
        .supplementalGroupsPolicy(supplementalGroupsPolicy)
        .privileged(privileged)
        .seccomp(seccomp)
        .apparmor(apparmor);
  }

  /** Collects the fields of a {@link LinuxSandboxSecurityContext}; not thread-safe. */
  public static final class Builder {
    private NamespaceOptions namespaceOptions = NamespaceOptions.DEFAULT;
    private Optional<SeLinuxOption> seLinuxOptions = Optional.empty();
    private OptionalLong runAsUser = OptionalLong.empty();
    private OptionalLong runAsGroup = OptionalLong.empty();
    private boolean readonlyRootfs;
    private List<Long> supplementalGroups = new ArrayList<>();
    private SupplementalGroupsPolicy supplementalGroupsPolicy = SupplementalGroupsPolicy.MERGE;
    private boolean privileged;
    private Optional<SecurityProfile> seccomp = Optional.empty();
    private Optional<SecurityProfile> apparmor = Optional.empty();

    private Builder() {}

    public Builder namespaceOptions(NamespaceOptions v) {
      this.namespaceOptions = v;
      return this;
    }

    public Builder seLinuxOptions(Optional<SeLinuxOption> v) {
      this.seLinuxOptions = v;
      return this;
    }

    public Builder runAsUser(OptionalLong v) {
      this.runAsUser = v;
      return this;
    }

    public Builder runAsGroup(OptionalLong v) {
      this.runAsGroup = v;
      return this;
    }

    public Builder readonlyRootfs(boolean v) {
      this.readonlyRootfs = v;
      return this;
    }

    public Builder supplementalGroups(List<Long> v) {
      this.supplementalGroups = new ArrayList<>(v);
      return this;
    }

    public Builder supplementalGroupsPolicy(SupplementalGroupsPolicy v) {
      this.supplementalGroupsPolicy = v;
      return this;
    }

    public Builder privileged(boolean v) {
      this.privileged = v;
      return this;
    }

    public Builder seccomp(Optional<SecurityProfile> v) {
      this.seccomp = v;
      return this;
    }

    public Builder apparmor(Optional<SecurityProfile> v) {
      this.apparmor = v;
      return this;
    }

    public LinuxSandboxSecurityContext build() {
      return new LinuxSandboxSecurityContext(
          namespaceOptions,
          seLinuxOptions,
          runAsUser,
          runAsGroup,
          readonlyRootfs,
          supplementalGroups,
          supplementalGroupsPolicy,
          privileged,
          seccomp,
          apparmor);
    }
  }
}
