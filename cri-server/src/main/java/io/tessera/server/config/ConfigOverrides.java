package io.tessera.server.config;

/**
 * Values given on the command line; each non-null one wins over the file. Same spelling and
 * validation as the file's keys.
 */
public record ConfigOverrides(
    String socketPath, String rootDir, String stateDir, String logLevel, String metricsAddress) {

  public static ConfigOverrides none() {
    return new ConfigOverrides(null, null, null, null, null);
  }
}
