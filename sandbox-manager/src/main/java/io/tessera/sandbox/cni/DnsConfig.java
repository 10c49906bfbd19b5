package io.tessera.sandbox.cni;

import java.util.List;

/** The pod's DNS settings (CRI DNSConfig), passed to plugins with the {@code dns} capability. */
public record DnsConfig(List<String> servers, List<String> searches, List<String> options) {
  public DnsConfig {
    servers = List.copyOf(servers);
    searches = List.copyOf(searches);
    options = List.copyOf(options);
  }

  boolean isEmpty() {
    return servers.isEmpty() && searches.isEmpty() && options.isEmpty();
  }
}
