package io.tessera.sandbox.lifecycle;

import java.nio.file.Path;

/**
 * The layout of the volatile state directory (normally tmpfs), owned by this class alone:
 *
 * <pre>
 * state/pods/ID/ns/{net,ipc,uts}   pinned namespaces (bind mounts)
 * state/pods/ID/shm                the pod's /dev/shm (tmpfs mount)
 * state/pods/ID/infra              the infra process's bundle (pid namespace POD only)
 * state/containers/ID/config.json  the OCI bundle
 * state/containers/ID/rootfs       the container's overlay mount
 * state/exits/ID                   conmon's exit files
 * state/attach/UUID/attach          conmon attach sockets (UUID: 16-hex id prefix)
 * state/runc/                      the OCI runtime's own state (--root)
 * </pre>
 */
public final class StatePaths {
  private final Path state;

  public StatePaths(Path state) {
    this.state = state;
  }

  public Path podDir(String id) {
    return state.resolve("pods").resolve(id);
  }

  public Path podNamespaces(String id) {
    return podDir(id).resolve("ns");
  }

  /** The infra process's bundle (pid namespace POD): config.json and a tiny read-only root. */
  public Path podInfra(String id) {
    return podDir(id).resolve("infra");
  }

  public Path podShm(String id) {
    return podDir(id).resolve("shm");
  }

  public Path containerDir(String id) {
    return state.resolve("containers").resolve(id);
  }

  public Path bundle(String id) {
    return containerDir(id);
  }

  public Path rootfs(String id) {
    return containerDir(id).resolve("rootfs");
  }

  public Path exits() {
    return state.resolve("exits");
  }

  public Path attach() {
    return state.resolve("attach");
  }

  public Path runtimeRoot(String handler) {
    return state.resolve(handler);
  }
}
