package io.tessera.kernel.oci;

import java.util.Locale;

/**
 * A container's status as the OCI runtime reports it (runtime-spec "state").
 *
 * <pre>
 *   CREATING --create done--> CREATED --start--> RUNNING --process exits--> STOPPED
 *                                                   |  ^
 *                                             pause |  | resume
 *                                                   v  |
 *                                                  PAUSED
 * </pre>
 *
 * {@link #UNKNOWN} stands for a value this version does not know.
 */
public enum ContainerStatus {
  CREATING,
  CREATED,
  RUNNING,
  PAUSED,
  STOPPED,
  UNKNOWN;

  /** The runtime's spelling ({@code running}) to the enum; unknown spellings to UNKNOWN. */
  public static ContainerStatus parse(String status) {
    if (status == null) {
      return UNKNOWN;
    }
    try {
      return valueOf(status.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return UNKNOWN;
    }
  }
}
