package io.tessera.server.config;

/**
 * A configuration value that parsed fine but that this host cannot honour, found while the daemon
 * starts (e.g. a default writable-layer size where the storage root has no XFS project quotas).
 * Unchecked because it surfaces from deep in start-up; {@code tessera serve} exits with 2 for it,
 * as for a {@link ConfigException}, rather than running without what was configured.
 */
public final class HostConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public HostConfigException(String message) {
    super(message);
  }
}
