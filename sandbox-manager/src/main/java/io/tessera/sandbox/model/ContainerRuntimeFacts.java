package io.tessera.sandbox.model;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What Tessera resolved and made on the host for a container during CreateContainer: the runtime's
 * facts, as opposed to the request in {@link ContainerConfig}. Fixed once the container is stored.
 *
 * <p>The runtime binary and its state root are kept because a container must be driven by the
 * runtime that created it even if the handler's configuration changes across a restart.
 *
 * @param imageId node-local image id (the config digest), what ImageStatus/PullImage call image_ref
 * @param imageRef digest reference of the image in use (repo@sha256:...); empty when none is known
 * @param runtimeHandler the pod's handler name the container was created with
 * @param runtimePath the OCI runtime binary (runc, crun) behind that handler
 * @param runtimeRoot the runtime's {@code --root} state directory; absent = the binary's default
 * @param bundleDir the OCI bundle (config.json) directory
 * @param rootfs where the container's root filesystem is mounted
 * @param snapshotKey the writable snapshot's key in cow-storage
 * @param conmonPid the monitor process; absent once known to be gone or if never started
 * @param logPath absolute log file (pod log directory + config log path); absent without one
 * @param user identity of the first process, resolved against the image
 * @param stopSignal the signal StopContainer sends: the request's, else the image's, else SIGTERM
 */
public record ContainerRuntimeFacts(
    String imageId,
    String imageRef,
    String runtimeHandler,
    Path runtimePath,
    Optional<Path> runtimeRoot,
    Path bundleDir,
    Path rootfs,
    String snapshotKey,
    OptionalLong conmonPid,
    Optional<Path> logPath,
    Optional<LinuxContainerUser> user,
    String stopSignal) {

  public ContainerRuntimeFacts {
    Checks.nonEmpty(imageId, "image id");
    Objects.requireNonNull(imageRef, "image ref");
    Checks.nonEmpty(runtimeHandler, "runtime handler");
    Checks.absolute(runtimePath, "runtime path");
    Objects.requireNonNull(runtimeRoot, "runtime root");
    runtimeRoot.ifPresent(p -> Checks.absolute(p, "runtime root"));
    Checks.absolute(bundleDir, "bundle dir");
    Checks.absolute(rootfs, "rootfs");
    Checks.nonEmpty(snapshotKey, "snapshot key");
    Objects.requireNonNull(conmonPid, "conmon pid");
    conmonPid.ifPresent(pid -> Checks.positive(pid, "conmon pid"));
    Objects.requireNonNull(logPath, "log path");
    logPath.ifPresent(p -> Checks.absolute(p, "log path"));
    Objects.requireNonNull(user, "container user");
    Checks.nonEmpty(stopSignal, "stop signal");
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .imageId(imageId)
        .imageRef(imageRef)
        .runtimeHandler(runtimeHandler)
        .runtimePath(runtimePath)
        .runtimeRoot(runtimeRoot)
        .bundleDir(bundleDir)
        .rootfs(rootfs)
        .snapshotKey(snapshotKey)
        .conmonPid(conmonPid)
        .logPath(logPath)
        .user(user)
        .stopSignal(stopSignal);
  }

  /**
   * Collects the facts as CreateContainer makes them; not thread-safe. Image id, handler, runtime
   * path, bundle dir, rootfs and snapshot key are required.
   */
  public static final class Builder {
    private String imageId;
    private String imageRef = "";
    private String runtimeHandler;
    private Path runtimePath;
    private Optional<Path> runtimeRoot = Optional.empty();
    private Path bundleDir;
    private Path rootfs;
    private String snapshotKey;
    private OptionalLong conmonPid = OptionalLong.empty();
    private Optional<Path> logPath = Optional.empty();
    private Optional<LinuxContainerUser> user = Optional.empty();
    private String stopSignal = "SIGTERM";

    private Builder() {}

    public Builder imageId(String v) {
      this.imageId = v;
      return this;
    }

    public Builder imageRef(String v) {
      this.imageRef = v;
      return this;
    }

    public Builder runtimeHandler(String v) {
      this.runtimeHandler = v;
      return this;
    }

    public Builder runtimePath(Path v) {
      this.runtimePath = v;
      return this;
    }

    public Builder runtimeRoot(Optional<Path> v) {
      this.runtimeRoot = v;
      return this;
    }

    public Builder bundleDir(Path v) {
      this.bundleDir = v;
      return this;
    }

    public Builder rootfs(Path v) {
      this.rootfs = v;
      return this;
    }

    public Builder snapshotKey(String v) {
      this.snapshotKey = v;
      return this;
    }

    public Builder conmonPid(OptionalLong v) {
      this.conmonPid = v;
      return this;
    }

    public Builder logPath(Optional<Path> v) {
      this.logPath = v;
      return this;
    }

    public Builder user(Optional<LinuxContainerUser> v) {
      this.user = v;
      return this;
    }

    public Builder stopSignal(String v) {
      this.stopSignal = v;
      return this;
    }

    public ContainerRuntimeFacts build() {
      return new ContainerRuntimeFacts(
          imageId,
          imageRef,
          runtimeHandler,
          runtimePath,
          runtimeRoot,
          bundleDir,
          rootfs,
          snapshotKey,
          conmonPid,
          logPath,
          user,
          stopSignal);
    }
  }
}
