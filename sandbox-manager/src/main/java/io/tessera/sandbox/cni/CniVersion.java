package io.tessera.sandbox.cni;

import java.util.List;

/** The CNI spec versions Tessera speaks, and their order. */
final class CniVersion {
  /**
   * 0.3.x and 0.4.0 share the result shape of 1.0 (plus a per-IP "version" field); 0.1/0.2 used a
   * different result ("ip4"/"ip6") and are refused rather than half-supported.
   */
  static final List<String> SUPPORTED = List.of("0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0");

  private CniVersion() {}

  static boolean isSupported(String version) {
    return SUPPORTED.contains(version);
  }

  /** Whether {@code version} is at least {@code min}; both must be dotted numeric versions. */
  static boolean atLeast(String version, String min) {
    return compare(version, min) >= 0;
  }

  static int compare(String a, String b) {
    String[] pa = a.split("\\.", -1);
    String[] pb = b.split("\\.", -1);
    for (int i = 0; i < Math.max(pa.length, pb.length); i++) {
      int x = i < pa.length ? Integer.parseInt(pa[i]) : 0;
      int y = i < pb.length ? Integer.parseInt(pb[i]) : 0;
      if (x != y) {
        return Integer.compare(x, y);
      }
    }
    return 0;
  }

  /** DEL and CHECK get the cached ADD result as prevResult from 0.4.0 on. */
  static boolean passesPrevResultOnDel(String version) {
    return atLeast(version, "0.4.0");
  }

  static boolean supportsCheck(String version) {
    return atLeast(version, "0.4.0");
  }

  static boolean supportsStatus(String version) {
    return atLeast(version, "1.1.0");
  }
}
