package io.tessera.sandbox.seccomp;

import io.tessera.kernel.errors.UnimplementedException;
import java.util.Locale;

/** The CPU architectures Tessera builds seccomp filters for, with each naming scheme's word. */
enum SeccompArch {
  X86_64("x86_64", "amd64", "SCMP_ARCH_X86_64"),
  AARCH64("aarch64", "arm64", "SCMP_ARCH_AARCH64");

  /** The kernel's name (uname -m), used in Tessera's own profile source. */
  final String kernelName;

  /**
   * The name Docker-form profiles match {@code includes/excludes.arches} against: libseccomp's
   * native arch string as moby derives it from GOARCH.
   */
  final String dockerName;

  /** The libseccomp architecture token of the native ABI. */
  final String scmpArch;

  SeccompArch(String kernelName, String dockerName, String scmpArch) {
    this.kernelName = kernelName;
    this.dockerName = dockerName;
    this.scmpArch = scmpArch;
  }

  /**
   * Accepts the kernel's, Go's or Java's name for an architecture (x86_64/amd64, aarch64/arm64).
   */
  static SeccompArch of(String arch) {
    String a = arch == null ? "" : arch.trim().toLowerCase(Locale.ROOT);
    for (SeccompArch candidate : values()) {
      if (candidate.kernelName.equals(a) || candidate.dockerName.equals(a)) {
        return candidate;
      }
    }
    throw new UnimplementedException(
        "seccomp: architecture '"
            + arch
            + "' is not supported; Tessera supports x86_64 and aarch64");
  }

  /** The architecture this JVM runs on, by Java's os.arch (amd64 or aarch64 on Linux). */
  static String hostName() {
    String javaArch = System.getProperty("os.arch", "");
    try {
      return of(javaArch).kernelName;
    } catch (UnimplementedException e) {
      return javaArch;
    }
  }
}
