package io.tessera.server;

import io.tessera.kernel.cgroup.CgroupDriver;
import io.tessera.kernel.cgroup.CgroupLayout;
import io.tessera.kernel.oci.OciRuntimeLocator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What start-up found out about the host, probed once: kernel, cgroup layout and driver, the OCI
 * runtime binaries present. Immutable.
 */
public record HostFacts(
    String kernelRelease,
    CgroupLayout cgroupLayout,
    CgroupDriver cgroupDriver,
    Map<String, Path> ociRuntimes) {

  /** The runtimes Tessera can drive, in order of preference. */
  static final String[] RUNTIME_NAMES = {"runc", "crun"};

  public HostFacts {
    ociRuntimes = Map.copyOf(ociRuntimes);
  }

  public static HostFacts probe(CgroupDriver driver) {
    Map<String, Path> runtimes = new LinkedHashMap<>();
    OciRuntimeLocator locator = OciRuntimeLocator.withDefaultDirs();
    for (String name : RUNTIME_NAMES) {
      locator.find(name).ifPresent(p -> runtimes.put(name, p));
    }
    return new HostFacts(readKernelRelease(), CgroupLayout.detect(), driver, runtimes);
  }

  /** The first runtime found, in order of preference. */
  public Optional<String> preferredRuntime() {
    for (String name : RUNTIME_NAMES) {
      if (ociRuntimes.containsKey(name)) {
        return Optional.of(name);
      }
    }
    return Optional.empty();
  }

  private static String readKernelRelease() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
    } catch (IOException e) {
      return System.getProperty("os.version", "unknown");
    }
  }
}
