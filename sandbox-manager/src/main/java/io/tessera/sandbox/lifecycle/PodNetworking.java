package io.tessera.sandbox.lifecycle;

import io.tessera.kernel.errors.UnavailableException;
import io.tessera.sandbox.cni.CniNetwork;
import io.tessera.sandbox.cni.DnsConfig;
import io.tessera.sandbox.cni.PodNetworkRequest;
import io.tessera.sandbox.cni.PodNetworkResult;
import io.tessera.sandbox.cni.PortMapping;
import io.tessera.sandbox.model.NamespaceType;
import io.tessera.sandbox.model.PodIps;
import io.tessera.sandbox.model.PodSandbox;
import io.tessera.sandbox.model.PodSandboxConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The pod side of CNI: turns a pod's config into ADD/DEL requests and the ADD result into {@link
 * PodIps}. Host-network pods never get here. Thread-safe (the network is set once, before serving).
 */
final class PodNetworking {
  private volatile CniNetwork network;

  void set(CniNetwork network) {
    this.network = network;
  }

  /**
   * CNI ADD for a pod's pinned netns.
   *
   * @throws UnavailableException when no network is set or it is not ready (kubelet retries)
   */
  PodIps attach(String podId, PodSandboxConfig config, Path netns) {
    CniNetwork n = network;
    if (n == null) {
      throw new UnavailableException(
          "pod network for " + podId + ": no CNI network is configured in this daemon");
    }
    PodNetworkResult r = n.add(request(podId, config, netns));
    if (r.primaryIp() == null || r.primaryIp().isEmpty()) {
      return PodIps.NONE;
    }
    List<String> additional = new ArrayList<>(r.additionalIps());
    additional.remove(r.primaryIp());
    return new PodIps(Optional.of(r.primaryIp()), additional);
  }

  /**
   * CNI DEL for a pod; a no-op for host-network pods and when no network is set. Idempotent. Call
   * it while the netns is still pinned: bridge only removes its masquerade rule when it finds the
   * pod's interface.
   */
  void detach(PodSandbox pod) {
    Optional<Path> netns = pod.facts().namespacePath(NamespaceType.NETWORK);
    if (netns.isEmpty()) {
      return;
    }
    detach(pod.id(), pod.config(), netns.get());
  }

  void detach(String podId, PodSandboxConfig config, Path netns) {
    CniNetwork n = network;
    if (n == null) {
      return;
    }
    n.del(request(podId, config, netns != null && Files.exists(netns) ? netns : null));
  }

  static PodNetworkRequest request(String podId, PodSandboxConfig config, Path netns) {
    PodNetworkRequest.Builder b =
        PodNetworkRequest.builder(podId)
            .netns(netns)
            .pod(config.metadata().namespace(), config.metadata().name(), config.metadata().uid())
            .annotations(config.annotations());
    for (io.tessera.sandbox.model.PortMapping m : config.portMappings()) {
      b.portMapping(
          new PortMapping(
              m.hostPort(),
              m.containerPort(),
              PortMapping.Protocol.valueOf(m.protocol().name()),
              m.hostIp()));
    }
    config.dnsConfig().ifPresent(d -> b.dns(new DnsConfig(d.servers(), d.searches(), d.options())));
    return b.build();
  }

  /** Every address of the pod, primary first, for /etc/hosts. */
  static List<String> all(PodIps ips) {
    List<String> all = new ArrayList<>();
    ips.primary().ifPresent(all::add);
    all.addAll(ips.additional());
    return all;
  }
}
