package io.tessera.sandbox.cni;

import io.tessera.kernel.errors.InvalidArgumentException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the network needs to know about a pod sandbox for ADD, CHECK and DEL.
 *
 * <p>DEL should be given the same request as ADD; {@code netnsPath} may be null there (or name a
 * namespace that is already gone): the plugins are then run without a namespace so that they still
 * free what they hold on the host.
 *
 * @param sandboxId the CNI container id: the pod sandbox id
 * @param annotations the pod's annotations; {@code kubernetes.io/ingress-bandwidth} and {@code
 *     kubernetes.io/egress-bandwidth} are read from them
 */
public record PodNetworkRequest(
    String sandboxId,
    Path netnsPath,
    String podName,
    String podNamespace,
    String podUid,
    String interfaceName,
    List<PortMapping> portMappings,
    Map<String, String> annotations,
    Optional<DnsConfig> dns) {

  public static final String DEFAULT_INTERFACE = "eth0";

  private static final Pattern CNI_ARG_VALUE = Pattern.compile("[^;=\\s]*");

  public PodNetworkRequest {
    if (sandboxId == null || !ConfigParser.NAME.matcher(sandboxId).matches()) {
      throw new InvalidArgumentException(
          "pod network: sandbox id \"" + sandboxId + "\" is not a valid CNI container id");
    }
    interfaceName = interfaceName == null ? DEFAULT_INTERFACE : interfaceName;
    if (interfaceName.isEmpty()
        || interfaceName.length() > 15
        || interfaceName.equals(".")
        || interfaceName.equals("..")
        || !interfaceName.matches("[^/:\\s]+")) {
      throw new InvalidArgumentException(
          "pod network " + sandboxId + ": invalid interface name \"" + interfaceName + "\"");
    }
    podName = orEmpty(podName);
    podNamespace = orEmpty(podNamespace);
    podUid = orEmpty(podUid);
    for (String v : List.of(podName, podNamespace, podUid)) {
      // CNI_ARGS is "K=V;K=V": these characters would split it.
      if (!CNI_ARG_VALUE.matcher(v).matches()) {
        throw new InvalidArgumentException(
            "pod network " + sandboxId + ": \"" + v + "\" cannot be passed in CNI_ARGS");
      }
    }
    portMappings = portMappings == null ? List.of() : List.copyOf(portMappings);
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    dns = dns == null ? Optional.empty() : dns;
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  public static Builder builder(String sandboxId) {
    return new Builder(sandboxId);
  }

  /** Builder; only the sandbox id is required. */
  public static final class Builder {
    private final String sandboxId;
    private Path netnsPath;
    private String podName;
    private String podNamespace;
    private String podUid;
    private String interfaceName = DEFAULT_INTERFACE;
    private final List<PortMapping> portMappings = new ArrayList<>();
    private final Map<String, String> annotations = new LinkedHashMap<>();
    private DnsConfig dns;

    private Builder(String sandboxId) {
      this.sandboxId = sandboxId;
    }

    public Builder netns(Path path) {
      this.netnsPath = path;
      return this;
    }

    public Builder pod(String namespace, String name, String uid) {
      this.podNamespace = namespace;
      this.podName = name;
      this.podUid = uid;
      return this;
    }

    public Builder interfaceName(String name) {
      this.interfaceName = name;
      return this;
    }

    public Builder portMapping(PortMapping m) {
      this.portMappings.add(m);
      return this;
    }

    public Builder portMappings(List<PortMapping> m) {
      this.portMappings.addAll(m);
      return this;
    }

    public Builder annotation(String key, String value) {
      this.annotations.put(key, value);
      return this;
    }

    public Builder annotations(Map<String, String> a) {
      this.annotations.putAll(a);
      return this;
    }

    public Builder dns(DnsConfig dns) {
      this.dns = dns;
      return this;
    }

    public PodNetworkRequest build() {
      return new PodNetworkRequest(
          sandboxId,
          netnsPath,
          podName,
          podNamespace,
          podUid,
          interfaceName,
          portMappings,
          annotations,
          Optional.ofNullable(dns));
    }
  }
}
