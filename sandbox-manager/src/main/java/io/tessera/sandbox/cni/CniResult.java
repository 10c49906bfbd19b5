package io.tessera.sandbox.cni;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A CNI ADD result (spec 0.3.0 to 1.1.0 shape), translated from the plugin's JSON.
 *
 * @param cniVersion the version the result was written in
 */
public record CniResult(
    String cniVersion,
    List<Interface> interfaces,
    List<IpConfig> ips,
    List<Route> routes,
    Dns dns) {

  public CniResult {
    interfaces = List.copyOf(interfaces);
    ips = List.copyOf(ips);
    routes = List.copyOf(routes);
  }

  /**
   * An interface the plugins created or touched.
   *
   * @param sandbox the netns path for an interface inside the pod, empty for host interfaces
   */
  public record Interface(String name, String mac, String sandbox) {
    public boolean inSandbox() {
      return !sandbox.isEmpty();
    }
  }

  /**
   * One address.
   *
   * @param address CIDR notation, e.g. {@code 10.88.0.5/16}
   * @param ip the address alone, in canonical form
   * @param interfaceIndex index into {@link CniResult#interfaces()}, when the plugin said
   */
  public record IpConfig(
      String address,
      String ip,
      boolean ipv6,
      Optional<String> gateway,
      OptionalInt interfaceIndex) {}

  /** A route; {@code gw} empty means the interface's default gateway. */
  public record Route(String dst, Optional<String> gw) {}

  public record Dns(
      List<String> nameservers, String domain, List<String> search, List<String> options) {
    public Dns {
      nameservers = List.copyOf(nameservers);
      search = List.copyOf(search);
      options = List.copyOf(options);
    }

    static final Dns EMPTY = new Dns(List.of(), "", List.of(), List.of());
  }

  /** The interfaces on the host side (no sandbox): bridge, host veth, ifb devices. */
  public List<Interface> hostInterfaces() {
    return interfaces.stream().filter(i -> !i.inSandbox()).toList();
  }
}
