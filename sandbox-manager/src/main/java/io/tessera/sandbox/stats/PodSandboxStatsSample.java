package io.tessera.sandbox.stats;

import io.tessera.kernel.net.InterfaceCounters;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One pod sandbox's resource usage at a sampling instant: CPU and memory of its cgroup (its
 * containers and infra process together), its tasks, and the traffic of its network namespace.
 *
 * <p>Immutable. Timestamps are nanoseconds since the epoch. A part is absent when it could not be
 * read: the cgroup is gone, or the pod has no network namespace of its own (host network).
 */
public record PodSandboxStatsSample(
    String podSandboxId,
    Optional<ContainerStatsSample.Cpu> cpu,
    Optional<ContainerStatsSample.Memory> memory,
    Optional<Network> network,
    Optional<Processes> processes) {

  /** The interface CNI plugins give a pod, reported as CRI's default interface. */
  public static final String DEFAULT_INTERFACE = "eth0";

  public PodSandboxStatsSample {
    Objects.requireNonNull(podSandboxId, "pod sandbox id");
    Objects.requireNonNull(cpu, "cpu");
    Objects.requireNonNull(memory, "memory");
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(processes, "processes");
  }

  /**
   * The pod network namespace's interfaces, loopback left out (its traffic never leaves the pod).
   *
   * @param defaultInterface {@link #DEFAULT_INTERFACE}, when the namespace has one
   * @param interfaces the other interfaces, in the kernel's order
   */
  public record Network(
      long timestamp,
      Optional<InterfaceCounters> defaultInterface,
      List<InterfaceCounters> interfaces) {
    public Network {
      Objects.requireNonNull(defaultInterface, "default interface");
      interfaces = List.copyOf(interfaces);
    }

    /** Splits a namespace's interface list into the default interface and the others. */
    static Network of(long timestamp, List<InterfaceCounters> all) {
      Optional<InterfaceCounters> def =
          all.stream().filter(i -> i.name().equals(DEFAULT_INTERFACE)).findFirst();
      List<InterfaceCounters> others =
          all.stream()
              .filter(i -> !i.name().equals(DEFAULT_INTERFACE) && !i.name().equals("lo"))
              .toList();
      return new Network(timestamp, def, others);
    }
  }

  /**
   * The pod's task count.
   *
   * @param count tasks in the pod cgroup and below (threads, where the pids controller counts them)
   */
  public record Processes(long timestamp, long count) {}
}
