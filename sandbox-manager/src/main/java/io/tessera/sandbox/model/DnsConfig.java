package io.tessera.sandbox.model;

import java.util.List;

/** resolv.conf content for a pod (CRI DNSConfig), each list in request order. */
public record DnsConfig(List<String> servers, List<String> searches, List<String> options) {
  public DnsConfig {
    servers = List.copyOf(servers);
    searches = List.copyOf(searches);
    options = List.copyOf(options);
  }
}
