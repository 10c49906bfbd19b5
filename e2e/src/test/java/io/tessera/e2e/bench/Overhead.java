package io.tessera.e2e.bench;

import io.tessera.e2e.bench.ProcFs.Memory;
import io.tessera.e2e.bench.ProcFs.ProcessInfo;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A runtime's memory that is not its pods' own workload, found by walking /proc.
 *
 * <p>The process set: the daemon; every monitor process (comm {@code conmon} or {@code
 * containerd-shim}, the kernel's 15-character cut of {@code containerd-shim-runc-v2}) whose command
 * line holds the runtime's marker; and every descendant of those (pause/infra processes such as
 * catatonit, and runc or CNI plugins caught mid-call), except the workload processes, whose argv is
 * exactly the workload command. Monitors are found by name and marker, not by ancestry, because
 * both conmon and the shims daemonize away from the daemon.
 */
final class Overhead {
  private static final Set<String> MONITOR_COMMS = Set.of("conmon", "containerd-shim");

  private Overhead() {}

  /** What one measurement found. */
  record Sample(
      int pods,
      Memory daemon,
      Memory monitors,
      Memory infra,
      int monitorCount,
      int infraCount,
      int workloadCount) {
    Memory total() {
      return daemon.plus(monitors).plus(infra);
    }
  }

  static Sample measure(RuntimeUnderTest rt, List<String> workloadArgv, int pods) {
    return classify(
        ProcFs.processes(), rt, workloadArgv, pods, pid -> ProcFs.memory(pid).orElse(Memory.ZERO));
  }

  interface MemoryReader {
    Memory read(long pid);
  }

  /** The classification on a given process list; pure apart from {@code reader}. */
  static Sample classify(
      List<ProcessInfo> all,
      RuntimeUnderTest rt,
      List<String> workloadArgv,
      int pods,
      MemoryReader reader) {
    Map<Long, List<ProcessInfo>> children = new HashMap<>();
    for (ProcessInfo p : all) {
      children.computeIfAbsent(p.ppid(), k -> new ArrayList<>()).add(p);
    }
    List<ProcessInfo> monitors = new ArrayList<>();
    for (ProcessInfo p : all) {
      if (p.pid() != rt.daemonPid()
          && MONITOR_COMMS.contains(p.comm())
          && p.commandLine().contains(rt.marker())) {
        monitors.add(p);
      }
    }
    Set<Long> counted = new HashSet<>();
    counted.add(rt.daemonPid());
    monitors.forEach(m -> counted.add(m.pid()));
    Memory daemon = reader.read(rt.daemonPid());
    Memory monitorMem = Memory.ZERO;
    for (ProcessInfo m : monitors) {
      monitorMem = monitorMem.plus(reader.read(m.pid()));
    }
    Memory infra = Memory.ZERO;
    int infraCount = 0;
    int workloads = 0;
    Deque<Long> todo = new ArrayDeque<>(counted);
    while (!todo.isEmpty()) {
      for (ProcessInfo c : children.getOrDefault(todo.pop(), List.of())) {
        if (!counted.add(c.pid())) {
          continue;
        }
        if (c.argv().equals(workloadArgv)) {
          workloads++;
          continue; // the pod's own work: neither counted nor walked
        }
        infra = infra.plus(reader.read(c.pid()));
        infraCount++;
        todo.push(c.pid());
      }
    }
    return new Sample(pods, daemon, monitorMem, infra, monitors.size(), infraCount, workloads);
  }
}
