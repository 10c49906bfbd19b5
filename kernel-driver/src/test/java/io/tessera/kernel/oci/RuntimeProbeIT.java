package io.tessera.kernel.oci;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.kernel.cgroup.CgroupLayout;
import io.tessera.kernel.cgroup.CgroupManager;
import io.tessera.kernel.proc.Leaks;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimeProbeIT {

  @TempDir Path tmp;

  @Test
  void choosesAWorkingRuntimeAndSaysWhyOthersWereSkipped() throws Exception {
    OciRuntimeLocator locator = OciRuntimeLocator.withDefaultDirs();
    Path work = tmp.resolve("probe");
    RuntimeProbe.ProbeReport report =
        RuntimeProbe.forHost(locator, work, CgroupManager.forHost()).probe();

    RuntimeProbe.HandlerProbe runc = report.handler("runc").orElseThrow();
    assertThat(runc.works()).as(runc.detail()).isTrue();
    RuntimeProbe.HandlerProbe crun = report.handler("crun").orElseThrow();
    assertThat(report.defaultHandler()).contains(crun.works() ? "crun" : "runc");
    if (!crun.works()) {
      assertThat(report.reason()).startsWith("crun: ").endsWith("using runc");
    }
    String unified = "/sys/fs/cgroup/unified/cgroup.controllers";
    if (CgroupLayout.detect() == CgroupLayout.HYBRID
        && Files.exists(Path.of(unified))
        && !Files.readString(Path.of(unified)).isBlank()) {
      // crun 1.8 refuses hybrid hosts whose cgroup2 hierarchy has controllers (as here).
      assertThat(crun.works()).isFalse();
      assertThat(crun.detail()).contains("hybrid");
    }
    try (var left = Files.list(work)) {
      assertThat(left).as("trial bundles removed").isEmpty();
    }
    assertThat(Leaks.processesMentioning(work.toString())).isEmpty();
    assertThat(Leaks.mountsUnder(tmp)).isEmpty();
  }
}
