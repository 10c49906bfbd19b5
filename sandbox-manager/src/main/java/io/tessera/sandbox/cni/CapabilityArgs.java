package io.tessera.sandbox.cni;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tessera.kernel.errors.InvalidArgumentException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code runtimeConfig} values a runtime fills in (CNI CONVENTIONS.md), built from a pod
 * request, and the filtering to the capabilities each plugin declares.
 */
final class CapabilityArgs {
  static final String INGRESS_ANNOTATION = "kubernetes.io/ingress-bandwidth";
  static final String EGRESS_ANNOTATION = "kubernetes.io/egress-bandwidth";

  /** Kubelet's sanity bounds for the bandwidth annotations, in bits per second. */
  static final long MIN_BANDWIDTH = 1_000L;

  static final long MAX_BANDWIDTH = 1_000_000_000_000_000L;

  /**
   * The burst containerd and CRI-O pass with an annotation rate: the annotations carry no burst,
   * and 2^32-1 bits is effectively "do not limit bursts".
   */
  static final long BURST = 4_294_967_295L;

  private CapabilityArgs() {}

  /** Every capability value the request (and the runtime's pod CIDRs) provide. */
  static ObjectNode build(PodNetworkRequest req, List<String> podCidrs) {
    ObjectNode all = ConfigParser.JSON.createObjectNode();
    ArrayNode ports = ConfigParser.JSON.createArrayNode();
    for (PortMapping p : req.portMappings()) {
      if (p.hostPort() == 0) {
        continue;
      }
      ObjectNode m = ports.addObject();
      m.put("hostPort", p.hostPort());
      m.put("containerPort", p.containerPort());
      m.put("protocol", p.protocol().cniName());
      p.hostIpIfSet().ifPresent(ip -> m.put("hostIP", ip));
    }
    if (!ports.isEmpty()) {
      all.set("portMappings", ports);
    }
    ObjectNode bw = bandwidth(req.sandboxId(), req.annotations());
    if (!bw.isEmpty()) {
      all.set("bandwidth", bw);
    }
    if (!podCidrs.isEmpty()) {
      ArrayNode ranges = all.putArray("ipRanges");
      // One range set per CIDR: host-local then hands out one address of each family.
      for (String cidr : podCidrs) {
        ranges.addArray().addObject().put("subnet", cidr);
      }
    }
    req.dns()
        .filter(d -> !d.isEmpty())
        .ifPresent(
            d -> {
              ObjectNode dns = all.putObject("dns");
              d.servers().forEach(dns.putArray("servers")::add);
              d.searches().forEach(dns.putArray("searches")::add);
              d.options().forEach(dns.putArray("options")::add);
            });
    return all;
  }

  /** The part of {@code all} that a plugin declaring {@code capabilities} may see. */
  static ObjectNode forPlugin(ObjectNode all, Set<String> capabilities) {
    ObjectNode rc = ConfigParser.JSON.createObjectNode();
    Iterator<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>> it = all.fields();
    while (it.hasNext()) {
      Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> e = it.next();
      if (capabilities.contains(e.getKey())) {
        rc.set(e.getKey(), e.getValue().deepCopy());
      }
    }
    return rc;
  }

  static ObjectNode bandwidth(String sandboxId, Map<String, String> annotations) {
    ObjectNode bw = ConfigParser.JSON.createObjectNode();
    String ingress = annotations.get(INGRESS_ANNOTATION);
    if (ingress != null) {
      bw.put("ingressRate", rate(sandboxId, INGRESS_ANNOTATION, ingress));
      bw.put("ingressBurst", BURST);
    }
    String egress = annotations.get(EGRESS_ANNOTATION);
    if (egress != null) {
      bw.put("egressRate", rate(sandboxId, EGRESS_ANNOTATION, egress));
      bw.put("egressBurst", BURST);
    }
    return bw;
  }

  private static long rate(String sandboxId, String annotation, String value) {
    long bits;
    try {
      bits = KubeQuantity.valueRoundedUp(value);
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException(
          "pod " + sandboxId + ": annotation " + annotation + ": " + e.getMessage(), e);
    }
    if (bits < MIN_BANDWIDTH) {
      throw new InvalidArgumentException(
          "pod "
              + sandboxId
              + ": annotation "
              + annotation
              + "="
              + value
              + " is unreasonably small (< 1kbit)");
    }
    if (bits > MAX_BANDWIDTH) {
      throw new InvalidArgumentException(
          "pod "
              + sandboxId
              + ": annotation "
              + annotation
              + "="
              + value
              + " is unreasonably large (> 1Pbit)");
    }
    return bits;
  }

  /** CNI_ARGS as CRI runtimes pass it to every plugin. */
  static String cniArgs(PodNetworkRequest req) {
    return "IgnoreUnknown=1"
        + ";K8S_POD_NAMESPACE="
        + req.podNamespace()
        + ";K8S_POD_NAME="
        + req.podName()
        + ";K8S_POD_INFRA_CONTAINER_ID="
        + req.sandboxId()
        + ";K8S_POD_UID="
        + req.podUid();
  }
}
