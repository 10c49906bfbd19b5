package io.tessera.kernel.ns;

import io.tessera.kernel.jna.LibcNamespaces;
import java.nio.file.Path;

/**
 * A kind of Linux namespace (namespaces(7)): its file name under /proc/[pid]/ns, its CLONE_NEW*
 * flag, and its name in the OCI runtime spec's {@code linux.namespaces[].type}.
 */
public enum NsType {
  NET("net", LibcNamespaces.CLONE_NEWNET, "network", true),
  IPC("ipc", LibcNamespaces.CLONE_NEWIPC, "ipc", true),
  UTS("uts", LibcNamespaces.CLONE_NEWUTS, "uts", true),
  PID("pid", LibcNamespaces.CLONE_NEWPID, "pid", false),
  MNT("mnt", LibcNamespaces.CLONE_NEWNS, "mount", false),
  CGROUP("cgroup", LibcNamespaces.CLONE_NEWCGROUP, "cgroup", false),
  USER("user", LibcNamespaces.CLONE_NEWUSER, "user", false);

  private final String procName;
  private final int cloneFlag;
  private final String ociName;
  private final boolean perThread;

  NsType(String procName, int cloneFlag, String ociName, boolean perThread) {
    this.procName = procName;
    this.cloneFlag = cloneFlag;
    this.ociName = ociName;
    this.perThread = perThread;
  }

  /** The file name under /proc/[pid]/ns: {@code net}, {@code ipc}, ... */
  public String procName() {
    return procName;
  }

  /** The flag for clone(2), unshare(2) and setns(2). */
  public int cloneFlag() {
    return cloneFlag;
  }

  /** The runtime-spec spelling: {@code network}, {@code mount}, ... */
  public String ociName() {
    return ociName;
  }

  /**
   * Whether a single thread of a multithreaded process can unshare or join it, which is what
   * pinning and {@link NamespacePinner#callInNamespace} need: true for net, ipc and uts only.
   */
  public boolean perThread() {
    return perThread;
  }

  /** The namespace file of a process: {@code /proc/<pid>/ns/<procName>}. */
  public Path procPath(long pid) {
    return Path.of("/proc", Long.toString(pid), "ns", procName);
  }
}
