package io.tessera.kernel.oci;

/**
 * A started conmon and the container process it reported through the sync pipe.
 *
 * @param conmonPid the daemonized conmon (its own session, not a child of the JVM)
 * @param containerPid the container's init as the host sees it
 */
public record ConmonProcess(long conmonPid, long containerPid) {}
