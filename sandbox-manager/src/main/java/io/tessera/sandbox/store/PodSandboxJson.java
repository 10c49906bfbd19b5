package io.tessera.sandbox.store;

import io.tessera.sandbox.store.CommonJson.NamespaceOptionsJson;
import io.tessera.sandbox.store.CommonJson.ResourcesJson;
import io.tessera.sandbox.store.CommonJson.SeLinuxJson;
import io.tessera.sandbox.store.CommonJson.SecurityProfileJson;
import java.util.List;
import java.util.Map;

/**
 * pod.json, format version 1. Every field is written, absent values as null; the transient parts of
 * the status are not written at all.
 */
record PodSandboxJson(
    int version,
    String id,
    String runtimeHandler,
    long createdAt,
    ConfigJson config,
    FactsJson facts,
    StatusJson status) {

  static final int VERSION = 1;

  record MetadataJson(String name, String uid, String namespace, long attempt) {}

  record DnsJson(List<String> servers, List<String> searches, List<String> options) {}

  record PortMappingJson(String protocol, int containerPort, int hostPort, String hostIp) {}

  record SecurityContextJson(
      NamespaceOptionsJson namespaceOptions,
      SeLinuxJson seLinuxOptions,
      Long runAsUser,
      Long runAsGroup,
      boolean readonlyRootfs,
      List<Long> supplementalGroups,
      String supplementalGroupsPolicy,
      boolean privileged,
      SecurityProfileJson seccomp,
      SecurityProfileJson apparmor) {}

  record LinuxJson(
      String cgroupParent,
      SecurityContextJson securityContext,
      Map<String, String> sysctls,
      ResourcesJson overhead,
      ResourcesJson resources) {}

  record ConfigJson(
      MetadataJson metadata,
      String hostname,
      String logDirectory,
      DnsJson dnsConfig,
      List<PortMappingJson> portMappings,
      Map<String, String> labels,
      Map<String, String> annotations,
      LinuxJson linux) {}

  record IpsJson(String primary, List<String> additional) {}

  record FactsJson(
      Map<String, String> namespacePaths,
      Long infraPid,
      String cgroupPath,
      String hostsPath,
      String resolvConfPath,
      String hostnamePath,
      String shmPath,
      IpsJson ips) {}

  record StatusJson(String state, ResourcesJson overhead, ResourcesJson resources) {}
}
