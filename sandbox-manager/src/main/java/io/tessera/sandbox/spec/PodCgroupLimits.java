package io.tessera.sandbox.spec;

import io.tessera.kernel.cgroup.CgroupResources;
import io.tessera.sandbox.model.LinuxContainerResources;
import io.tessera.sandbox.model.LinuxPodSandboxConfig;
import java.util.Optional;

/**
 * The limits of a pod cgroup Tessera creates itself (no CgroupParent from the kubelet): the pod's
 * resources (the sum over its containers) plus its RuntimeClass overhead, as the kubelet sizes the
 * pod cgroups it makes. A dimension the pod leaves unlimited stays unlimited: overhead alone never
 * caps a pod. Pure.
 */
public final class PodCgroupLimits {
  /** The kernel's default CFS period, used when the pod names none. */
  static final long DEFAULT_CPU_PERIOD = 100_000;

  private PodCgroupLimits() {}

  /** The limits to write, or empty when the pod sent no resources (or only zeros). */
  public static Optional<CgroupResources> of(LinuxPodSandboxConfig linux) {
    if (linux.resources().isEmpty()) {
      return Optional.empty();
    }
    LinuxContainerResources r = linux.resources().get();
    LinuxContainerResources o = linux.overhead().orElse(LinuxContainerResources.NONE);
    CgroupResources.Builder b = CgroupResources.builder();
    if (r.memoryLimitInBytes() > 0) {
      b.memoryLimit(r.memoryLimitInBytes() + Math.max(0, o.memoryLimitInBytes()));
    }
    if (r.cpuShares() > 0) {
      b.cpuShares(r.cpuShares() + Math.max(0, o.cpuShares()));
    }
    if (r.cpuQuota() > 0) {
      long period = r.cpuPeriod() > 0 ? r.cpuPeriod() : DEFAULT_CPU_PERIOD;
      long overhead = 0;
      if (o.cpuQuota() > 0) {
        long overheadPeriod = o.cpuPeriod() > 0 ? o.cpuPeriod() : DEFAULT_CPU_PERIOD;
        // The overhead's CPU time per its period, scaled to the pod's period.
        overhead = o.cpuQuota() * period / overheadPeriod;
      }
      b.cpuPeriod(period).cpuQuota(r.cpuQuota() + overhead);
    }
    String pids = r.unified().get(SpecLinux.PIDS_MAX);
    if (pids != null) {
      b.pidsLimit(SpecLinux.pidsLimit(pids));
    }
    CgroupResources out = b.build();
    return out.isEmpty() ? Optional.empty() : Optional.of(out);
  }
}
