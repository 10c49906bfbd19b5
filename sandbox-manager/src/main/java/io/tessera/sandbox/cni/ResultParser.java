package io.tessera.sandbox.cni;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** Translates a plugin's ADD result JSON into {@link CniResult}. Pure. */
final class ResultParser {
  private ResultParser() {}

  static CniResult parse(JsonNode json) throws InvalidConfigException {
    if (json == null || !json.isObject()) {
      throw new InvalidConfigException("result is not a JSON object");
    }
    String version = json.path("cniVersion").asText("");
    if (!version.isEmpty() && !CniVersion.isSupported(version)) {
      throw new InvalidConfigException("result has unsupported cniVersion " + version);
    }
    List<CniResult.Interface> interfaces = new ArrayList<>();
    for (JsonNode i : array(json, "interfaces")) {
      String name = i.path("name").asText("");
      if (name.isEmpty()) {
        throw new InvalidConfigException("result has an interface without a name");
      }
      interfaces.add(
          new CniResult.Interface(name, i.path("mac").asText(""), i.path("sandbox").asText("")));
    }
    List<CniResult.IpConfig> ips = new ArrayList<>();
    for (JsonNode ip : array(json, "ips")) {
      ips.add(ip(ip, interfaces.size()));
    }
    List<CniResult.Route> routes = new ArrayList<>();
    for (JsonNode r : array(json, "routes")) {
      String dst = r.path("dst").asText("");
      if (IpLiterals.Cidr.parse(dst).isEmpty()) {
        throw new InvalidConfigException("result has a route with invalid dst \"" + dst + "\"");
      }
      String gw = r.path("gw").asText("");
      routes.add(new CniResult.Route(dst, gw.isEmpty() ? Optional.empty() : Optional.of(gw)));
    }
    return new CniResult(version, interfaces, ips, routes, dns(json.path("dns")));
  }

  private static CniResult.IpConfig ip(JsonNode ip, int interfaceCount)
      throws InvalidConfigException {
    String address = ip.path("address").asText("");
    Optional<IpLiterals.Cidr> cidr = IpLiterals.Cidr.parse(address);
    if (cidr.isEmpty()) {
      throw new InvalidConfigException("result has an invalid address \"" + address + "\"");
    }
    InetAddress a = cidr.get().address();
    Optional<String> gateway = Optional.empty();
    String gw = ip.path("gateway").asText("");
    if (!gw.isEmpty()) {
      if (IpLiterals.parse(gw).isEmpty()) {
        throw new InvalidConfigException("result has an invalid gateway \"" + gw + "\"");
      }
      gateway = Optional.of(gw);
    }
    OptionalInt index = OptionalInt.empty();
    JsonNode idx = ip.get("interface");
    if (idx != null && !idx.isNull()) {
      if (!idx.canConvertToInt() || idx.asInt() < 0 || idx.asInt() >= interfaceCount) {
        throw new InvalidConfigException(
            "address " + address + " names interface " + idx + " that the result does not list");
      }
      index = OptionalInt.of(idx.asInt());
    }
    return new CniResult.IpConfig(
        address, a.getHostAddress(), !IpLiterals.isIpv4(a), gateway, index);
  }

  private static CniResult.Dns dns(JsonNode dns) {
    if (!dns.isObject()) {
      return CniResult.Dns.EMPTY;
    }
    return new CniResult.Dns(
        strings(dns, "nameservers"),
        dns.path("domain").asText(""),
        strings(dns, "search"),
        strings(dns, "options"));
  }

  private static List<String> strings(JsonNode parent, String field) {
    List<String> out = new ArrayList<>();
    parent.path(field).forEach(n -> out.add(n.asText()));
    return out;
  }

  private static Iterable<JsonNode> array(JsonNode parent, String field)
      throws InvalidConfigException {
    JsonNode n = parent.get(field);
    if (n == null || n.isNull()) {
      return List.of();
    }
    if (!n.isArray()) {
      throw new InvalidConfigException("result field \"" + field + "\" is not an array");
    }
    return n;
  }

  /**
   * Picks the pod IPs: the addresses on sandbox interfaces (all addresses if the result ties none
   * to an interface), the first IPv4 one first, as CRI runtimes report them.
   */
  static List<String> podIps(CniResult r) {
    List<CniResult.IpConfig> onSandbox = new ArrayList<>();
    for (CniResult.IpConfig ip : r.ips()) {
      if (ip.interfaceIndex().isPresent()
          && r.interfaces().get(ip.interfaceIndex().getAsInt()).inSandbox()) {
        onSandbox.add(ip);
      }
    }
    List<CniResult.IpConfig> chosen = onSandbox.isEmpty() ? r.ips() : onSandbox;
    List<String> out = new ArrayList<>();
    chosen.stream().filter(ip -> !ip.ipv6()).map(CniResult.IpConfig::ip).forEach(out::add);
    chosen.stream().filter(CniResult.IpConfig::ipv6).map(CniResult.IpConfig::ip).forEach(out::add);
    return out.stream().distinct().toList();
  }
}
