package io.tessera.sandbox.model;

import io.tessera.kernel.errors.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Linux security settings of one container (CRI LinuxContainerSecurityContext). The deprecated CRI
 * strings (apparmor_profile, seccomp_profile_path) are folded into {@code apparmor} / {@code
 * seccomp} at the gRPC edge.
 *
 * @param privileged full host privileges; capability and profile settings may then be ignored
 * @param runAsUser mutually exclusive with {@code runAsUsername}
 * @param runAsGroup needs {@code runAsUser} or {@code runAsUsername}
 * @param runAsUsername resolved inside the image; absent when not sent
 * @param maskedPaths passed through to the OCI spec, in order
 * @param readonlyPaths passed through to the OCI spec, in order
 * @param seccomp absent when CRI left it unset
 * @param apparmor absent when CRI left it unset
 */
public record LinuxContainerSecurityContext(
    Capabilities capabilities,
    boolean privileged,
    NamespaceOptions namespaceOptions,
    Optional<SeLinuxOption> seLinuxOptions,
    OptionalLong runAsUser,
    OptionalLong runAsGroup,
    Optional<String> runAsUsername,
    boolean readonlyRootfs,
    List<Long> supplementalGroups,
    SupplementalGroupsPolicy supplementalGroupsPolicy,
    boolean noNewPrivs,
    List<String> maskedPaths,
    List<String> readonlyPaths,
    Optional<SecurityProfile> seccomp,
    Optional<SecurityProfile> apparmor) {

  /** CRI's defaults: nothing set. */
  public static final LinuxContainerSecurityContext DEFAULT = builder().build();

  public LinuxContainerSecurityContext {
    Objects.requireNonNull(capabilities, "capabilities");
    Objects.requireNonNull(namespaceOptions, "namespace options");
    Objects.requireNonNull(seLinuxOptions, "selinux options");
    Objects.requireNonNull(runAsUser, "run as user");
    Objects.requireNonNull(runAsGroup, "run as group");
    Objects.requireNonNull(runAsUsername, "run as username");
    runAsUsername.ifPresent(n -> Checks.nonEmpty(n, "run as username"));
    if (runAsUser.isPresent() && runAsUsername.isPresent()) {
      throw new InvalidArgumentException(
          "run_as_user "
              + runAsUser.getAsLong()
              + " and run_as_username "
              + runAsUsername.get()
              + " are mutually exclusive");
    }
    if (runAsGroup.isPresent() && runAsUser.isEmpty() && runAsUsername.isEmpty()) {
      throw new InvalidArgumentException("run_as_group needs run_as_user or run_as_username");
    }
    supplementalGroups = List.copyOf(supplementalGroups);
    Objects.requireNonNull(supplementalGroupsPolicy, "supplemental groups policy");
    maskedPaths = List.copyOf(maskedPaths);
    readonlyPaths = List.copyOf(readonlyPaths);
    Objects.requireNonNull(seccomp, "seccomp profile");
    Objects.requireNonNull(apparmor, "apparmor profile");
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .capabilities(capabilities)
        .privileged(privileged)
        .namespaceOptions(namespaceOptions)
        .seLinuxOptions(seLinuxOptions)
        .runAsUser(runAsUser)
        .runAsGroup(runAsGroup)
        .runAsUsername(runAsUsername)
        .readonlyRootfs(readonlyRootfs)
        .supplementalGroups(supplementalGroups)
        .supplementalGroupsPolicy(supplementalGroupsPolicy)
        .noNewPrivs(noNewPrivs)
        .maskedPaths(maskedPaths)
        .readonlyPaths(readonlyPaths)
        .seccomp(seccomp)
        .apparmor(apparmor);
  }

  /** Collects the fields of a {@link LinuxContainerSecurityContext}; not thread-safe. */
  public static final class Builder {
    private Capabilities capabilities = Capabilities.NONE;
    private boolean privileged;
    private NamespaceOptions namespaceOptions = NamespaceOptions.DEFAULT;
    private Optional<SeLinuxOption> seLinuxOptions = Optional.empty();
    private OptionalLong runAsUser = OptionalLong.empty();
    private OptionalLong runAsGroup = OptionalLong.empty();
    private Optional<String> runAsUsername = Optional.empty();
    private boolean readonlyRootfs;
    private List<Long> supplementalGroups = new ArrayList<>();
    private SupplementalGroupsPolicy supplementalGroupsPolicy = SupplementalGroupsPolicy.MERGE;
    private boolean noNewPrivs;
    private List<String> maskedPaths = new ArrayList<>();
    private List<String> readonlyPaths = new ArrayList<>();
    private Optional<SecurityProfile> seccomp = Optional.empty();
    private Optional<SecurityProfile> apparmor = Optional.empty();

    private Builder() {}

    public Builder capabilities(Capabilities v) {
      this.capabilities = v;
      return this;
    }

    public Builder privileged(boolean v) {
      this.privileged = v;
      return this;
    }

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

    public Builder runAsUsername(Optional<String> v) {
      this.runAsUsername = v;
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

    public Builder noNewPrivs(boolean v) {
      this.noNewPrivs = v;
      return this;
    }

    public Builder maskedPaths(List<String> v) {
      this.maskedPaths = new ArrayList<>(v);
      return this;
    }

    public Builder readonlyPaths(List<String> v) {
      this.readonlyPaths = new ArrayList<>(v);
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

    public LinuxContainerSecurityContext build() {
      return new LinuxContainerSecurityContext(
          capabilities,
          privileged,
          namespaceOptions,
          seLinuxOptions,
          runAsUser,
          runAsGroup,
          runAsUsername,
          readonlyRootfs,
          supplementalGroups,
          supplementalGroupsPolicy,
          noNewPrivs,
          maskedPaths,
          readonlyPaths,
          seccomp,
          apparmor);
    }
  }
}
