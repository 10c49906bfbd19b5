package io.tessera.storage.registry;

import io.tessera.kernel.errors.InvalidArgumentException;
import java.util.Locale;

/**
 * The platform an image manifest is built for: OS, CPU architecture in Go's {@code GOARCH} words,
 * and an optional CPU variant.
 *
 * <p>Values are normalised on construction the way containerd does, so {@code x86_64} is {@code
 * amd64}, {@code aarch64} is {@code arm64}, {@code arm64/v8} is plain {@code arm64} and plain
 * {@code arm} is {@code arm/v7}; comparing two normalised platforms is then plain equality.
 *
 * @param os e.g. {@code linux}
 * @param architecture e.g. {@code amd64}, {@code arm64}
 * @param variant e.g. {@code v7} for arm; empty when the architecture's base variant is meant
 */
public record Platform(String os, String architecture, String variant) {

  /** Normalises the three parts; {@code variant} may be null or empty. */
  public Platform {
    if (os == null || os.isBlank() || architecture == null || architecture.isBlank()) {
      throw new InvalidArgumentException(
          "platform " + os + "/" + architecture + ": os and architecture are required");
    }
    os = os.toLowerCase(Locale.ROOT);
    architecture = normaliseArchitecture(architecture.toLowerCase(Locale.ROOT));
    variant =
        normaliseVariant(architecture, variant == null ? "" : variant.toLowerCase(Locale.ROOT));
  }

  /** Linux on the architecture this JVM runs on ({@code os.arch} mapped to GOARCH). */
  public static Platform host() {
    return new Platform("linux", System.getProperty("os.arch"), "");
  }

  /**
   * Parses {@code os/arch[/variant]}, e.g. {@code linux/arm64} or {@code linux/arm/v6}.
   *
   * @throws InvalidArgumentException when the text has not two or three parts
   */
  public static Platform parse(String text) {
    String[] parts = text.split("/", -1);
    if (parts.length < 2 || parts.length > 3) {
      throw new InvalidArgumentException(
          "platform \"" + text + "\": expected os/architecture[/variant]");
    }
    return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : "");
  }

  /**
   * How well an image for {@code candidate} runs here: 0 for the same platform, a positive rank for
   * a compatible older variant (arm/v6 on an arm/v7 host; lower is better), -1 when it does not run
   * here.
   */
  int compatibility(Platform candidate) {
    if (!os.equals(candidate.os) || !architecture.equals(candidate.architecture)) {
      return -1;
    }
    if (variant.equals(candidate.variant)) {
      return 0;
    }
    // 32-bit ARM is backwards compatible across variants: a v7 CPU runs v6 and v5 code.
    if (architecture.equals("arm")) {
      int mine = armLevel(variant);
      int theirs = armLevel(candidate.variant);
      if (mine > 0 && theirs > 0 && theirs < mine) {
        return mine - theirs;
      }
    }
    return -1;
  }

  /** {@code os/architecture[/variant]}. */
  @Override
  public String toString() {
    return os + "/" + architecture + (variant.isEmpty() ? "" : "/" + variant);
  }

  private static int armLevel(String variant) {
    return switch (variant) {
      case "v5" -> 5;
      case "v6" -> 6;
      case "v7" -> 7;
      case "v8" -> 8;
      default -> -1;
    };
  }

  private static String normaliseArchitecture(String arch) {
    return switch (arch) {
      case "x86_64", "x86-64", "amd64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      case "i386", "i486", "i586", "i686", "x86", "386" -> "386";
      case "armhf", "armel", "arm" -> "arm";
      case "ppc64el", "ppc64le" -> "ppc64le";
      case "loongarch64", "loong64" -> "loong64";
      default -> arch;
    };
  }

  private static String normaliseVariant(String arch, String variant) {
    if (variant.matches("[0-9]+")) {
      variant = "v" + variant;
    }
    return switch (arch) {
      case "arm64" -> variant.equals("v8") ? "" : variant;
      case "amd64" -> variant.equals("v1") ? "" : variant;
      case "arm" -> variant.isEmpty() ? "v7" : variant;
      default -> variant;
    };
  }
}
