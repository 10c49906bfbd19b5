package io.tessera.sandbox.cni;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.persist.AtomicFiles;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Writes Tessera's default pod network into an empty CNI conf dir, so a node works without an
 * installed network add-on: a bridge with host-local IPAM in a subnet the host does not use, NAT to
 * the outside, port mappings and bandwidth limits.
 *
 * <p>lo is not in this list: {@link CniNetwork} brings it up with the loopback plugin itself, as
 * containerd does, so that it is up whatever network add-on replaces this file.
 */
public final class DefaultCniConfig {
  public static final String FILE_NAME = "10-tessera.conflist";

  /** Tried in order; the first that overlaps no host route or address is used. */
  public static final List<String> DEFAULT_SUBNET_CANDIDATES =
      List.of(
          "10.88.0.0/16",
          "10.89.0.0/16",
          "10.90.0.0/16",
          "10.91.0.0/16",
          "10.92.0.0/16",
          "10.93.0.0/16",
          "10.94.0.0/16",
          "10.95.0.0/16",
          "172.30.0.0/16",
          "172.31.0.0/16",
          "192.168.250.0/24",
          "192.168.251.0/24");

  private DefaultCniConfig() {}

  /**
   * Settings of the default network.
   *
   * @param ipamDataDir host-local's store, or null for its default /var/lib/cni/networks
   */
  public record Options(
      String networkName, String bridgeName, List<String> subnetCandidates, Path ipamDataDir) {
    public Options {
      Objects.requireNonNull(networkName);
      Objects.requireNonNull(bridgeName);
      subnetCandidates = List.copyOf(subnetCandidates);
      if (!ConfigParser.NAME.matcher(networkName).matches()) {
        throw new InvalidArgumentException("default CNI network name \"" + networkName + "\"");
      }
      if (bridgeName.isEmpty()
          || bridgeName.length() > 15
          || !bridgeName.matches("[A-Za-z0-9_.\\-]+")) {
        throw new InvalidArgumentException("default CNI bridge name \"" + bridgeName + "\"");
      }
      subnetCandidates.forEach(HostSubnets.Ipv4Net::parse);
    }

    public static Options defaults() {
      return new Options("tessera", "tessera0", DEFAULT_SUBNET_CANDIDATES, null);
    }
  }

  /**
   * Writes {@value #FILE_NAME} when {@code confDir} holds no network config file (created when
   * missing). The file is written atomically; an existing config of any kind, valid or not, is left
   * alone: it is the administrator's.
   *
   * @return the file written, or empty when the dir already had a config
   * @throws FailedPreconditionException when every candidate subnet is in use on the host
   */
  public static Optional<Path> writeIfEmpty(Path confDir, Options options) {
    try {
      Files.createDirectories(confDir);
      if (hasConfig(confDir)) {
        return Optional.empty();
      }
      List<HostSubnets.Ipv4Net> inUse = new ArrayList<>();
      inUse.addAll(
          HostSubnets.parseProcNetRoute(
              Files.readString(Path.of("/proc/net/route")),
              ByteOrder.nativeOrder(),
              options.bridgeName()));
      // A bridge left from an earlier run of this very network would otherwise push it elsewhere.
      inUse.addAll(HostSubnets.interfaceNetworks(options.bridgeName()));
      List<HostSubnets.Ipv4Net> candidates =
          options.subnetCandidates().stream().map(HostSubnets.Ipv4Net::parse).toList();
      HostSubnets.Ipv4Net subnet =
          HostSubnets.pickFree(candidates, inUse)
              .orElseThrow(
                  () ->
                      new FailedPreconditionException(
                          "default CNI network: every candidate subnet "
                              + options.subnetCandidates()
                              + " overlaps a host route or address "
                              + inUse
                              + "; write a config into "
                              + confDir));
      Path file = confDir.resolve(FILE_NAME);
      AtomicFiles.write(file, render(options, subnet.toString()).getBytes(StandardCharsets.UTF_8));
      return Optional.of(file);
    } catch (IOException e) {
      throw new InternalException("default CNI network: cannot write into " + confDir, e);
    }
  }

  static boolean hasConfig(Path confDir) throws IOException {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(confDir)) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        if (!n.startsWith(".")
            && (n.endsWith(".conflist") || n.endsWith(".conf") || n.endsWith(".json"))) {
          return true;
        }
      }
    }
    return false;
  }

  /** The conflist JSON for a subnet. */
  static String render(Options o, String subnet) {
    ObjectNode root = ConfigParser.JSON.createObjectNode();
    root.put("cniVersion", "1.0.0");
    root.put("name", o.networkName());
    var plugins = root.putArray("plugins");
    ObjectNode bridge = plugins.addObject();
    bridge.put("type", "bridge");
    bridge.put("bridge", o.bridgeName());
    bridge.put("isGateway", true);
    bridge.put("ipMasq", true);
    bridge.put("hairpinMode", true);
    // No ipRanges capability: host-local would add a pod CIDR to the static range rather than
    // replace it, giving pods two IPv4 addresses (and bridge two gateways, which it refuses).
    ObjectNode ipam = bridge.putObject("ipam");
    ipam.put("type", "host-local");
    ipam.putArray("ranges").addArray().addObject().put("subnet", subnet);
    ipam.putArray("routes").addObject().put("dst", "0.0.0.0/0");
    if (o.ipamDataDir() != null) {
      ipam.put("dataDir", o.ipamDataDir().toString());
    }
    ObjectNode portmap = plugins.addObject();
    portmap.put("type", "portmap");
    portmap.putObject("capabilities").put("portMappings", true);
    portmap.put("snat", true);
    ObjectNode bandwidth = plugins.addObject();
    bandwidth.put("type", "bandwidth");
    bandwidth.putObject("capabilities").put("bandwidth", true);
    try {
      return ConfigParser.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
