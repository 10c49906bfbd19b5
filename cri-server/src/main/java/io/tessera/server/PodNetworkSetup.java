package io.tessera.server;

import io.tessera.sandbox.cni.CniNetwork;
import io.tessera.sandbox.cni.DefaultCniConfig;
import io.tessera.server.config.TesseraConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the node's CNI network from the {@code [cni]} config. When the configured conf dir holds
 * no network config (or does not exist), Tessera's default network is written into {@code
 * <root>/cni/net.d} and that dir is used instead: under root rather than state, because
 * host-local's address reservations (kept beside it in {@code <root>/cni/networks}) must survive a
 * reboot together with the pods that hold them. The configured dir itself is never written to: it
 * belongs to the administrator or a network add-on.
 */
final class PodNetworkSetup {
  private static final Logger LOG = LoggerFactory.getLogger(PodNetworkSetup.class);

  private PodNetworkSetup() {}

  /** A started network; the caller closes it. */
  static CniNetwork open(TesseraConfig config) {
    Path confDir = config.cni().confDir();
    Path cniRoot = config.rootDir().resolve("cni");
    if (!hasConfig(confDir)) {
      Path own = cniRoot.resolve("net.d");
      DefaultCniConfig.Options defaults = DefaultCniConfig.Options.defaults();
      Optional<Path> written =
          DefaultCniConfig.writeIfEmpty(
              own,
              new DefaultCniConfig.Options(
                  defaults.networkName(),
                  defaults.bridgeName(),
                  defaults.subnetCandidates(),
                  cniRoot.resolve("networks")));
      LOG.info(
          "CNI: no network config in {}; using the default network in {}{}",
          confDir,
          own,
          written.map(f -> " (wrote " + f.getFileName() + ")").orElse(""));
      confDir = own;
    }
    CniNetwork network =
        CniNetwork.builder()
            .confDir(confDir)
            .binDirs(config.cni().binDirs())
            .cacheDir(cniRoot.resolve("results"))
            .pluginTimeout(config.cni().pluginTimeout())
            .build();
    network.start();
    var status = network.status();
    LOG.info(
        "CNI: conf dir {}, plugins in {}: {}{}",
        confDir,
        config.cni().binDirs(),
        status.ready() ? "ready" : "not ready",
        status.message().isEmpty() ? "" : " (" + status.message() + ")");
    return network;
  }

  /** Whether the dir holds a file CNI would read (any, valid or not: it is the admin's). */
  private static boolean hasConfig(Path dir) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString())
          .anyMatch(
              n ->
                  !n.startsWith(".")
                      && (n.endsWith(".conflist") || n.endsWith(".conf") || n.endsWith(".json")));
    } catch (java.io.IOException e) {
      throw new io.tessera.kernel.errors.InternalException(
          "CNI: cannot list conf dir " + dir + ": " + e.getMessage(), e);
    }
  }
}
