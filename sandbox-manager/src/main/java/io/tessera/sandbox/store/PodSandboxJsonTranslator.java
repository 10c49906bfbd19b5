package io.tessera.sandbox.store;

import static io.tessera.sandbox.store.CommonJsonTranslator.boxed;
import static io.tessera.sandbox.store.CommonJsonTranslator.enumOf;
import static io.tessera.sandbox.store.CommonJsonTranslator.mapList;
import static io.tessera.sandbox.store.CommonJsonTranslator.optionalLong;
import static io.tessera.sandbox.store.CommonJsonTranslator.optionalPath;
import static io.tessera.sandbox.store.CommonJsonTranslator.optionalResources;
import static io.tessera.sandbox.store.CommonJsonTranslator.pathString;
import static io.tessera.sandbox.store.CommonJsonTranslator.req;

import io.tessera.sandbox.model.DnsConfig;
import io.tessera.sandbox.model.LinuxPodSandboxConfig;
import io.tessera.sandbox.model.LinuxSandboxSecurityContext;
import io.tessera.sandbox.model.NamespaceType;
import io.tessera.sandbox.model.PendingOperation;
import io.tessera.sandbox.model.PodIps;
import io.tessera.sandbox.model.PodSandbox;
import io.tessera.sandbox.model.PodSandboxConfig;
import io.tessera.sandbox.model.PodSandboxMetadata;
import io.tessera.sandbox.model.PodSandboxRuntimeFacts;
import io.tessera.sandbox.model.PodSandboxState;
import io.tessera.sandbox.model.PodSandboxStatus;
import io.tessera.sandbox.model.PortMapping;
import io.tessera.sandbox.model.Protocol;
import io.tessera.sandbox.model.SupplementalGroupsPolicy;
import io.tessera.sandbox.store.PodSandboxJson.ConfigJson;
import io.tessera.sandbox.store.PodSandboxJson.DnsJson;
import io.tessera.sandbox.store.PodSandboxJson.FactsJson;
import io.tessera.sandbox.store.PodSandboxJson.IpsJson;
import io.tessera.sandbox.store.PodSandboxJson.LinuxJson;
import io.tessera.sandbox.store.PodSandboxJson.MetadataJson;
import io.tessera.sandbox.store.PodSandboxJson.PortMappingJson;
import io.tessera.sandbox.store.PodSandboxJson.SecurityContextJson;
import io.tessera.sandbox.store.PodSandboxJson.StatusJson;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** {@link PodSandbox} to {@link PodSandboxJson} and back. */
final class PodSandboxJsonTranslator {
  private PodSandboxJsonTranslator() {}

  static PodSandboxJson toJson(PodSandbox pod) {
    return new PodSandboxJson(
        PodSandboxJson.VERSION,
        pod.id(),
        pod.runtimeHandler(),
        pod.createdAt(),
        toJson(pod.config()),
        toJson(pod.facts()),
        toJson(pod.status()));
  }

  static PodSandbox fromJson(PodSandboxJson j) {
    return PodSandbox.builder()
        .id(req(j.id(), "id"))
        .runtimeHandler(req(j.runtimeHandler(), "runtime handler"))
        .createdAt(j.createdAt())
        .config(fromJson(req(j.config(), "config")))
        .facts(fromJson(req(j.facts(), "facts")))
        .status(fromJson(req(j.status(), "status")))
        .build();
  }

  // --- config

  private static ConfigJson toJson(PodSandboxConfig c) {
    PodSandboxMetadata m = c.metadata();
    return new ConfigJson(
        new MetadataJson(m.name(), m.uid(), m.namespace(), m.attempt()),
        c.hostname(),
        c.logDirectory(),
        c.dnsConfig().map(d -> new DnsJson(d.servers(), d.searches(), d.options())).orElse(null),
        c.portMappings().stream()
            .map(
                p ->
                    new PortMappingJson(
                        p.protocol().name(), p.containerPort(), p.hostPort(), p.hostIp()))
            .toList(),
        c.labels(),
        c.annotations(),
        toJson(c.linux()));
  }

  private static PodSandboxConfig fromJson(ConfigJson j) {
    MetadataJson m = req(j.metadata(), "metadata");
    return PodSandboxConfig.builder(
            new PodSandboxMetadata(
                req(m.name(), "metadata name"),
                req(m.uid(), "metadata uid"),
                req(m.namespace(), "metadata namespace"),
                m.attempt()))
        .hostname(req(j.hostname(), "hostname"))
        .logDirectory(req(j.logDirectory(), "log directory"))
        .dnsConfig(
            Optional.ofNullable(j.dnsConfig())
                .map(
                    d ->
                        new DnsConfig(
                            req(d.servers(), "dns servers"),
                            req(d.searches(), "dns searches"),
                            req(d.options(), "dns options"))))
        .portMappings(
            mapList(
                j.portMappings(),
                "port mappings",
                p ->
                    new PortMapping(
                        enumOf(Protocol.class, p.protocol(), "port mapping protocol"),
                        p.containerPort(),
                        p.hostPort(),
                        req(p.hostIp(), "port mapping host ip"))))
        .labels(req(j.labels(), "labels"))
        .annotations(req(j.annotations(), "annotations"))
        .linux(fromJson(req(j.linux(), "linux")))
        .build();
  }

  private static LinuxJson toJson(LinuxPodSandboxConfig l) {
    LinuxSandboxSecurityContext s = l.securityContext();
    return new LinuxJson(
        l.cgroupParent(),
        new SecurityContextJson(
            CommonJsonTranslator.toJson(s.namespaceOptions()),
            s.seLinuxOptions().map(CommonJsonTranslator::toJson).orElse(null),
            boxed(s.runAsUser()),
            boxed(s.runAsGroup()),
            s.readonlyRootfs(),
            s.supplementalGroups(),
            s.supplementalGroupsPolicy().name(),
            s.privileged(),
            s.seccomp().map(CommonJsonTranslator::toJson).orElse(null),
            s.apparmor().map(CommonJsonTranslator::toJson).orElse(null)),
        l.sysctls(),
        CommonJsonTranslator.toJson(l.overhead()),
        CommonJsonTranslator.toJson(l.resources()));
  }

  private static LinuxPodSandboxConfig fromJson(LinuxJson j) {
    SecurityContextJson s = req(j.securityContext(), "security context");
    LinuxSandboxSecurityContext context =
        LinuxSandboxSecurityContext.builder()
            .namespaceOptions(
                CommonJsonTranslator.fromJson(req(s.namespaceOptions(), "namespace options")))
            .seLinuxOptions(
                Optional.ofNullable(s.seLinuxOptions()).map(CommonJsonTranslator::fromJson))
            .runAsUser(optionalLong(s.runAsUser()))
            .runAsGroup(optionalLong(s.runAsGroup()))
            .readonlyRootfs(s.readonlyRootfs())
            .supplementalGroups(mapList(s.supplementalGroups(), "supplemental groups", g -> g))
            .supplementalGroupsPolicy(
                enumOf(
                    SupplementalGroupsPolicy.class,
                    s.supplementalGroupsPolicy(),
                    "supplemental groups policy"))
            .privileged(s.privileged())
            .seccomp(Optional.ofNullable(s.seccomp()).map(CommonJsonTranslator::fromJson))
            .apparmor(Optional.ofNullable(s.apparmor()).map(CommonJsonTranslator::fromJson))
            .build();
    return new LinuxPodSandboxConfig(
        req(j.cgroupParent(), "cgroup parent"),
        context,
        req(j.sysctls(), "sysctls"),
        optionalResources(j.overhead()),
        optionalResources(j.resources()));
  }

  // --- facts

  private static FactsJson toJson(PodSandboxRuntimeFacts f) {
    Map<String, String> ns = new TreeMap<>();
    f.namespacePaths().forEach((t, p) -> ns.put(t.name(), p.toString()));
    return new FactsJson(
        ns,
        boxed(f.infraPid()),
        f.cgroupPath().orElse(null),
        pathString(f.hostsPath()),
        pathString(f.resolvConfPath()),
        pathString(f.hostnamePath()),
        pathString(f.shmPath()),
        new IpsJson(f.ips().primary().orElse(null), f.ips().additional()));
  }

  private static PodSandboxRuntimeFacts fromJson(FactsJson j) {
    Map<NamespaceType, Path> ns = new EnumMap<>(NamespaceType.class);
    req(j.namespacePaths(), "namespace paths")
        .forEach(
            (t, p) ->
                ns.put(
                    enumOf(NamespaceType.class, t, "namespace type"),
                    Path.of(req(p, "namespace path"))));
    IpsJson ips = req(j.ips(), "ips");
    return PodSandboxRuntimeFacts.builder()
        .namespacePaths(ns)
        .infraPid(optionalLong(j.infraPid()))
        .cgroupPath(Optional.ofNullable(j.cgroupPath()))
        .hostsPath(optionalPath(j.hostsPath()))
        .resolvConfPath(optionalPath(j.resolvConfPath()))
        .hostnamePath(optionalPath(j.hostnamePath()))
        .shmPath(optionalPath(j.shmPath()))
        .ips(
            new PodIps(Optional.ofNullable(ips.primary()), req(ips.additional(), "additional ips")))
        .build();
  }

  // --- status

  private static StatusJson toJson(PodSandboxStatus s) {
    return new StatusJson(
        s.state().name(),
        CommonJsonTranslator.toJson(s.overhead()),
        CommonJsonTranslator.toJson(s.resources()));
  }

  private static PodSandboxStatus fromJson(StatusJson j) {
    return new PodSandboxStatus(
        enumOf(PodSandboxState.class, j.state(), "state"),
        optionalResources(j.overhead()),
        optionalResources(j.resources()),
        PendingOperation.NONE);
  }
}
