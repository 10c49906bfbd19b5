package io.tessera.sandbox.store;

import static io.tessera.sandbox.store.CommonJsonTranslator.boxed;
import static io.tessera.sandbox.store.CommonJsonTranslator.enumOf;
import static io.tessera.sandbox.store.CommonJsonTranslator.mapList;
import static io.tessera.sandbox.store.CommonJsonTranslator.optionalLong;
import static io.tessera.sandbox.store.CommonJsonTranslator.optionalPath;
import static io.tessera.sandbox.store.CommonJsonTranslator.optionalResources;
import static io.tessera.sandbox.store.CommonJsonTranslator.path;
import static io.tessera.sandbox.store.CommonJsonTranslator.pathString;
import static io.tessera.sandbox.store.CommonJsonTranslator.req;

import io.tessera.sandbox.model.Capabilities;
import io.tessera.sandbox.model.Container;
import io.tessera.sandbox.model.ContainerConfig;
import io.tessera.sandbox.model.ContainerMetadata;
import io.tessera.sandbox.model.ContainerRuntimeFacts;
import io.tessera.sandbox.model.ContainerState;
import io.tessera.sandbox.model.ContainerStatus;
import io.tessera.sandbox.model.Device;
import io.tessera.sandbox.model.KeyValue;
import io.tessera.sandbox.model.LinuxContainerConfig;
import io.tessera.sandbox.model.LinuxContainerSecurityContext;
import io.tessera.sandbox.model.LinuxContainerUser;
import io.tessera.sandbox.model.Mount;
import io.tessera.sandbox.model.MountPropagation;
import io.tessera.sandbox.model.PendingOperation;
import io.tessera.sandbox.model.SupplementalGroupsPolicy;
import io.tessera.sandbox.store.ContainerJson.CapabilitiesJson;
import io.tessera.sandbox.store.ContainerJson.ConfigJson;
import io.tessera.sandbox.store.ContainerJson.DeviceJson;
import io.tessera.sandbox.store.ContainerJson.FactsJson;
import io.tessera.sandbox.store.ContainerJson.KeyValueJson;
import io.tessera.sandbox.store.ContainerJson.LinuxJson;
import io.tessera.sandbox.store.ContainerJson.MetadataJson;
import io.tessera.sandbox.store.ContainerJson.MountJson;
import io.tessera.sandbox.store.ContainerJson.SecurityContextJson;
import io.tessera.sandbox.store.ContainerJson.StatusJson;
import io.tessera.sandbox.store.ContainerJson.UserJson;
import java.util.Optional;

/** {@link Container} to {@link ContainerJson} and back. */
final class ContainerJsonTranslator {
  private ContainerJsonTranslator() {}

  static ContainerJson toJson(Container c) {
    return new ContainerJson(
        ContainerJson.VERSION,
        c.id(),
        c.podSandboxId(),
        toJson(c.config()),
        toJson(c.facts()),
        toJson(c.status()));
  }

  static Container fromJson(ContainerJson j) {
    return new Container(
        req(j.id(), "id"),
        req(j.podSandboxId(), "pod sandbox id"),
        fromJson(req(j.config(), "config")),
        fromJson(req(j.facts(), "facts")),
        fromJson(req(j.status(), "status")));
  }

  // --- config

  private static ConfigJson toJson(ContainerConfig c) {
    return new ConfigJson(
        new MetadataJson(c.metadata().name(), c.metadata().attempt()),
        CommonJsonTranslator.toJson(c.image()),
        c.command(),
        c.args(),
        c.workingDir(),
        c.envs().stream().map(e -> new KeyValueJson(e.key(), e.value())).toList(),
        c.mounts().stream().map(ContainerJsonTranslator::toJson).toList(),
        c.devices().stream()
            .map(d -> new DeviceJson(d.containerPath(), d.hostPath(), d.permissions()))
            .toList(),
        c.labels(),
        c.annotations(),
        c.logPath(),
        c.stdin(),
        c.stdinOnce(),
        c.tty(),
        new LinuxJson(
            CommonJsonTranslator.toJson(c.linux().resources()),
            toJson(c.linux().securityContext())),
        c.cdiDevices(),
        c.stopSignal().orElse(null));
  }

  private static ContainerConfig fromJson(ConfigJson j) {
    MetadataJson m = req(j.metadata(), "metadata");
    LinuxJson linux = req(j.linux(), "linux");
    return ContainerConfig.builder(
            new ContainerMetadata(req(m.name(), "metadata name"), m.attempt()),
            CommonJsonTranslator.fromJson(req(j.image(), "image")))
        .command(mapList(j.command(), "command", s -> s))
        .args(mapList(j.args(), "args", s -> s))
        .workingDir(req(j.workingDir(), "working dir"))
        .envs(
            mapList(
                j.envs(),
                "envs",
                e -> new KeyValue(req(e.key(), "env key"), req(e.value(), "env value"))))
        .mounts(mapList(j.mounts(), "mounts", ContainerJsonTranslator::fromJson))
        .devices(
            mapList(
                j.devices(),
                "devices",
                d ->
                    new Device(
                        req(d.containerPath(), "device container path"),
                        req(d.hostPath(), "device host path"),
                        req(d.permissions(), "device permissions"))))
        .labels(req(j.labels(), "labels"))
        .annotations(req(j.annotations(), "annotations"))
        .logPath(req(j.logPath(), "log path"))
        .stdin(j.stdin())
        .stdinOnce(j.stdinOnce())
        .tty(j.tty())
        .linux(
            new LinuxContainerConfig(
                optionalResources(linux.resources()),
                fromJson(req(linux.securityContext(), "security context"))))
        .cdiDevices(mapList(j.cdiDevices(), "cdi devices", s -> s))
        .stopSignal(Optional.ofNullable(j.stopSignal()))
        .build();
  }

  private static MountJson toJson(Mount m) {
    return new MountJson(
        m.containerPath(),
        m.hostPath(),
        m.readonly(),
        m.selinuxRelabel(),
        m.propagation().name(),
        m.uidMappings().stream().map(CommonJsonTranslator::toJson).toList(),
        m.gidMappings().stream().map(CommonJsonTranslator::toJson).toList(),
        m.recursiveReadOnly(),
        m.image().map(CommonJsonTranslator::toJson).orElse(null),
        m.imageSubPath());
  }

  private static Mount fromJson(MountJson j) {
    return new Mount(
        req(j.containerPath(), "mount container path"),
        req(j.hostPath(), "mount host path"),
        j.readonly(),
        j.selinuxRelabel(),
        enumOf(MountPropagation.class, j.propagation(), "mount propagation"),
        mapList(j.uidMappings(), "mount uid mappings", CommonJsonTranslator::fromJson),
        mapList(j.gidMappings(), "mount gid mappings", CommonJsonTranslator::fromJson),
        j.recursiveReadOnly(),
        Optional.ofNullable(j.image()).map(CommonJsonTranslator::fromJson),
        req(j.imageSubPath(), "mount image sub path"));
  }

  private static SecurityContextJson toJson(LinuxContainerSecurityContext s) {
    Capabilities caps = s.capabilities();
    return new SecurityContextJson(
        new CapabilitiesJson(caps.add(), caps.drop(), caps.addAmbient()),
        s.privileged(),
        CommonJsonTranslator.toJson(s.namespaceOptions()),
        s.seLinuxOptions().map(CommonJsonTranslator::toJson).orElse(null),
        boxed(s.runAsUser()),
        boxed(s.runAsGroup()),
        s.runAsUsername().orElse(null),
        s.readonlyRootfs(),
        s.supplementalGroups(),
        s.supplementalGroupsPolicy().name(),
        s.noNewPrivs(),
        s.maskedPaths(),
        s.readonlyPaths(),
        s.seccomp().map(CommonJsonTranslator::toJson).orElse(null),
        s.apparmor().map(CommonJsonTranslator::toJson).orElse(null));
  }

  private static LinuxContainerSecurityContext fromJson(SecurityContextJson j) {
    CapabilitiesJson caps = req(j.capabilities(), "capabilities");
    return LinuxContainerSecurityContext.builder()
        .capabilities(
            new Capabilities(
                mapList(caps.add(), "capabilities add", s -> s),
                mapList(caps.drop(), "capabilities drop", s -> s),
                mapList(caps.addAmbient(), "capabilities add ambient", s -> s)))
        .privileged(j.privileged())
        .namespaceOptions(
            CommonJsonTranslator.fromJson(req(j.namespaceOptions(), "namespace options")))
        .seLinuxOptions(Optional.ofNullable(j.seLinuxOptions()).map(CommonJsonTranslator::fromJson))
        .runAsUser(optionalLong(j.runAsUser()))
        .runAsGroup(optionalLong(j.runAsGroup()))
        .runAsUsername(Optional.ofNullable(j.runAsUsername()))
        .readonlyRootfs(j.readonlyRootfs())
        .supplementalGroups(mapList(j.supplementalGroups(), "supplemental groups", g -> g))
        .supplementalGroupsPolicy(
            enumOf(
                SupplementalGroupsPolicy.class,
                j.supplementalGroupsPolicy(),
                "supplemental groups policy"))
        .noNewPrivs(j.noNewPrivs())
        .maskedPaths(mapList(j.maskedPaths(), "masked paths", s -> s))
        .readonlyPaths(mapList(j.readonlyPaths(), "readonly paths", s -> s))
        .seccomp(Optional.ofNullable(j.seccomp()).map(CommonJsonTranslator::fromJson))
        .apparmor(Optional.ofNullable(j.apparmor()).map(CommonJsonTranslator::fromJson))
        .build();
  }

  // --- facts

  private static FactsJson toJson(ContainerRuntimeFacts f) {
    return new FactsJson(
        f.imageId(),
        f.imageRef(),
        f.runtimeHandler(),
        f.runtimePath().toString(),
        pathString(f.runtimeRoot()),
        f.bundleDir().toString(),
        f.rootfs().toString(),
        f.snapshotKey(),
        boxed(f.conmonPid()),
        pathString(f.logPath()),
        f.user().map(u -> new UserJson(u.uid(), u.gid(), u.supplementalGroups())).orElse(null),
        f.stopSignal());
  }

  private static ContainerRuntimeFacts fromJson(FactsJson j) {
    return ContainerRuntimeFacts.builder()
        .imageId(req(j.imageId(), "image id"))
        .imageRef(req(j.imageRef(), "image ref"))
        .runtimeHandler(req(j.runtimeHandler(), "runtime handler"))
        .runtimePath(path(j.runtimePath(), "runtime path"))
        .runtimeRoot(optionalPath(j.runtimeRoot()))
        .bundleDir(path(j.bundleDir(), "bundle dir"))
        .rootfs(path(j.rootfs(), "rootfs"))
        .snapshotKey(req(j.snapshotKey(), "snapshot key"))
        .conmonPid(optionalLong(j.conmonPid()))
        .logPath(optionalPath(j.logPath()))
        .user(
            Optional.ofNullable(j.user())
                .map(
                    u ->
                        new LinuxContainerUser(
                            u.uid(),
                            u.gid(),
                            mapList(u.supplementalGroups(), "user supplemental groups", g -> g))))
        .stopSignal(req(j.stopSignal(), "stop signal"))
        .build();
  }

  // --- status

  private static StatusJson toJson(ContainerStatus s) {
    return new StatusJson(
        s.state().name(),
        s.createdAt(),
        s.startedAt(),
        s.finishedAt(),
        s.exitCode(),
        s.reason(),
        s.message(),
        s.pid(),
        CommonJsonTranslator.toJson(s.resources()));
  }

  private static ContainerStatus fromJson(StatusJson j) {
    return ContainerStatus.builder(enumOf(ContainerState.class, j.state(), "state"), j.createdAt())
        .startedAt(j.startedAt())
        .finishedAt(j.finishedAt())
        .exitCode(j.exitCode())
        .reason(req(j.reason(), "reason"))
        .message(req(j.message(), "message"))
        .pid(j.pid())
        .resources(optionalResources(j.resources()))
        .pending(PendingOperation.NONE)
        .build();
  }
}
