package io.tessera.sandbox.store;

import io.tessera.sandbox.store.CommonJson.IdMappingJson;
import io.tessera.sandbox.store.CommonJson.ImageSpecJson;
import io.tessera.sandbox.store.CommonJson.NamespaceOptionsJson;
import io.tessera.sandbox.store.CommonJson.ResourcesJson;
import io.tessera.sandbox.store.CommonJson.SeLinuxJson;
import io.tessera.sandbox.store.CommonJson.SecurityProfileJson;
import java.util.List;
import java.util.Map;

/**
 * container.json, format version 1. Every field is written, absent values as null; the transient
 * parts of the status are not written at all.
 */
record ContainerJson(
    int version,
    String id,
    String podSandboxId,
    ConfigJson config,
    FactsJson facts,
    StatusJson status) {

  static final int VERSION = 1;

  record MetadataJson(String name, long attempt) {}

  record KeyValueJson(String key, String value) {}

  record MountJson(
      String containerPath,
      String hostPath,
      boolean readonly,
      boolean selinuxRelabel,
      String propagation,
      List<IdMappingJson> uidMappings,
      List<IdMappingJson> gidMappings,
      boolean recursiveReadOnly,
      ImageSpecJson image,
      String imageSubPath) {}

  record DeviceJson(String containerPath, String hostPath, String permissions) {}

  record CapabilitiesJson(List<String> add, List<String> drop, List<String> addAmbient) {}

  record SecurityContextJson(
      CapabilitiesJson capabilities,
      boolean privileged,
      NamespaceOptionsJson namespaceOptions,
      SeLinuxJson seLinuxOptions,
      Long runAsUser,
      Long runAsGroup,
      String runAsUsername,
      boolean readonlyRootfs,
      List<Long> supplementalGroups,
      String supplementalGroupsPolicy,
      boolean noNewPrivs,
      List<String> maskedPaths,
      List<String> readonlyPaths,
      SecurityProfileJson seccomp,
      SecurityProfileJson apparmor) {}

  record LinuxJson(ResourcesJson resources, SecurityContextJson securityContext) {}

  record ConfigJson(
      MetadataJson metadata,
      ImageSpecJson image,
      List<String> command,
      List<String> args,
      String workingDir,
      List<KeyValueJson> envs,
      List<MountJson> mounts,
      List<DeviceJson> devices,
      Map<String, String> labels,
      Map<String, String> annotations,
      String logPath,
      boolean stdin,
      boolean stdinOnce,
      boolean tty,
      LinuxJson linux,
      List<String> cdiDevices,
      String stopSignal) {}

  record UserJson(long uid, long gid, List<Long> supplementalGroups) {}

  record FactsJson(
      String imageId,
      String imageRef,
      String runtimeHandler,
      String runtimePath,
      String runtimeRoot,
      String bundleDir,
      String rootfs,
      String snapshotKey,
      Long conmonPid,
      String logPath,
      UserJson user,
      String stopSignal) {}

  record StatusJson(
      String state,
      long createdAt,
      long startedAt,
      long finishedAt,
      int exitCode,
      String reason,
      String message,
      long pid,
      ResourcesJson resources) {}
}
