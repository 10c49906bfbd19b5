package io.tessera.kernel.oci;

import io.tessera.kernel.oci.spec.Process;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One OCI runtime handler (runc, crun): the container lifecycle below the pod/container domain.
 *
 * <p>Thread-safe; callers serialize operations on one container id. Every failure of the runtime
 * binary carries its command line and stderr. {@code kill} of a stopped container and {@code
 * delete} of a missing one succeed, so that retries after a crash are harmless.
 */
public interface OciRuntime {

  /** The handler name, e.g. {@code runc}. */
  String name();

  /** The runtime binary. */
  Path binary();

  /**
   * Creates the container from {@code bundle} (config.json + rootfs) under a new conmon, which
   * keeps its stdio, log, attach socket and exit file. The container is {@link
   * ContainerStatus#CREATED} afterwards: its process exists but waits for {@link #start}. On
   * failure nothing is left (the runtime's state is force-deleted).
   *
   * @throws io.tessera.kernel.errors.InvalidArgumentException bad id or options
   * @throws io.tessera.kernel.errors.InternalException conmon or the runtime failed
   */
  ConmonProcess create(String id, Path bundle, MonitorOptions io);

  /** Starts the user process of a created container. */
  void start(String id);

  /**
   * Sends {@code signal} to the container's init ({@code all}: to every process in it). A container
   * that already stopped is not an error.
   *
   * @throws io.tessera.kernel.errors.NotFoundException no such container
   */
  void kill(String id, int signal, boolean all);

  /**
   * Deletes the runtime's state of the container ({@code force}: kills it first if running).
   * Idempotent.
   */
  void delete(String id, boolean force);

  /**
   * The runtime's view of the container.
   *
   * @throws io.tessera.kernel.errors.NotFoundException no such container
   */
  RuntimeState state(String id);

  /** Every container in this runtime's state directory. */
  List<RuntimeState> list();

  /**
   * Runs {@code process} in the running container and waits for it, capturing its output; after
   * {@code timeout} it is killed and the result says so.
   *
   * @throws io.tessera.kernel.errors.FailedPreconditionException the container is not running
   */
  ExecResult exec(String id, Process process, Duration timeout);

  /**
   * The command line that runs the process described by {@code processFile} (a runtime-spec
   * process.json) in the running container in the foreground, with the caller's stdio, writing the
   * process's host pid to {@code pidFile}; the command's exit code is the process's (128 + n for a
   * signal). For callers that stream the process's stdio themselves.
   */
  List<String> execCommandLine(String id, Path processFile, Path pidFile);

  /**
   * Applies new resource limits, given as runtime-spec {@code linux.resources} JSON, to a running
   * container.
   */
  void update(String id, String resourcesJson);
}
