package io.tessera.kernel.oci;

import io.tessera.kernel.oci.spec.OciSpecs;
import io.tessera.kernel.oci.spec.Spec;
import io.tessera.kernel.oci.spec.SpecJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** OCI bundles for integration tests: a rootfs of Debian's static busybox and a config.json. */
final class TestBundles {
  static final Path BUSYBOX = Path.of("/bin/busybox");

  private static final List<String> APPLETS =
      List.of("sh", "sleep", "echo", "cat", "ls", "id", "hostname", "readlink", "true");

  private TestBundles() {}

  /** A spec running {@code sh -c script} from the default Linux spec. */
  static Spec shell(String script) {
    Spec spec = OciSpecs.defaultLinuxSpec();
    spec.process().args("sh", "-c", script);
    return spec;
  }

  /** Writes {@code dir/rootfs} (busybox plus applet links) and {@code dir/config.json}. */
  static Path bundle(Path dir, Spec spec) throws IOException {
    if (!Files.isExecutable(BUSYBOX)) {
      throw new IllegalStateException(
          BUSYBOX + " is missing: install busybox-static (scripts/install-deps.sh)");
    }
    Path bin = Files.createDirectories(dir.resolve("rootfs/bin"));
    Files.copy(BUSYBOX, bin.resolve("busybox"));
    for (String applet : APPLETS) {
      Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
    }
    SpecJson.write(spec, dir.resolve("config.json"));
    return dir;
  }
}
