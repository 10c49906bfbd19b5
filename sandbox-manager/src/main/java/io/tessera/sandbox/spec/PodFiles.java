package io.tessera.sandbox.spec;

import io.tessera.sandbox.model.DnsConfig;
import java.util.List;
import java.util.Optional;

/**
 * The contents of the files a pod's containers share: /etc/hosts, /etc/resolv.conf, /etc/hostname.
 * Pure functions; writing them (temp file, atomic rename) is the caller's job.
 *
 * <p>Choice for /etc/hosts, after containerd: a host-network pod gets a copy of the host's file (it
 * is on the host's network, under the host's name); any other pod gets the loopback entries in the
 * kubelet's format plus a line per pod IP naming the pod's hostname. When the kubelet manages
 * /etc/hosts itself it mounts its own file over this one.
 */
public final class PodFiles {
  private PodFiles() {}

  /**
   * /etc/hosts of a pod with its own network namespace.
   *
   * @param podIps the pod's addresses, primary first; may be empty (not yet known)
   * @param hostname the pod's hostname; no address line without one
   */
  public static String hosts(List<String> podIps, String hostname) {
    StringBuilder b = new StringBuilder();
    b.append("127.0.0.1\tlocalhost\n");
    b.append("::1\tlocalhost ip6-localhost ip6-loopback\n");
    b.append("fe00::0\tip6-localnet\n");
    b.append("fe00::0\tip6-mcastprefix\n");
    b.append("fe00::1\tip6-allnodes\n");
    b.append("fe00::2\tip6-allrouters\n");
    if (!hostname.isEmpty()) {
      for (String ip : podIps) {
        b.append(ip).append('\t').append(hostname).append('\n');
      }
    }
    return b.toString();
  }

  /** /etc/hosts of a host-network pod: the host's own file, unchanged. */
  public static String hostsForHostNetwork(String hostHosts) {
    return hostHosts;
  }

  /**
   * /etc/resolv.conf: from the pod's DNS config (search, nameserver and options lines, in request
   * order), or the host's file unchanged when the pod has no DNS config or an empty one.
   */
  public static String resolvConf(Optional<DnsConfig> dns, String hostResolvConf) {
    if (dns.isEmpty()
        || (dns.get().servers().isEmpty()
            && dns.get().searches().isEmpty()
            && dns.get().options().isEmpty())) {
      return hostResolvConf;
    }
    DnsConfig d = dns.get();
    StringBuilder b = new StringBuilder();
    if (!d.searches().isEmpty()) {
      b.append("search ").append(String.join(" ", d.searches())).append('\n');
    }
    for (String server : d.servers()) {
      b.append("nameserver ").append(server).append('\n');
    }
    if (!d.options().isEmpty()) {
      b.append("options ").append(String.join(" ", d.options())).append('\n');
    }
    return b.toString();
  }

  /** /etc/hostname. */
  public static String hostname(String hostname) {
    return hostname + "\n";
  }
}
