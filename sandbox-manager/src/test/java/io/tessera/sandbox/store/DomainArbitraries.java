package io.tessera.sandbox.store;

import io.tessera.sandbox.model.Capabilities;
import io.tessera.sandbox.model.Container;
import io.tessera.sandbox.model.ContainerConfig;
import io.tessera.sandbox.model.ContainerMetadata;
import io.tessera.sandbox.model.ContainerRuntimeFacts;
import io.tessera.sandbox.model.ContainerState;
import io.tessera.sandbox.model.ContainerStatus;
import io.tessera.sandbox.model.Device;
import io.tessera.sandbox.model.DnsConfig;
import io.tessera.sandbox.model.HugepageLimit;
import io.tessera.sandbox.model.IdMapping;
import io.tessera.sandbox.model.ImageSpec;
import io.tessera.sandbox.model.KeyValue;
import io.tessera.sandbox.model.LinuxContainerConfig;
import io.tessera.sandbox.model.LinuxContainerResources;
import io.tessera.sandbox.model.LinuxContainerSecurityContext;
import io.tessera.sandbox.model.LinuxContainerUser;
import io.tessera.sandbox.model.LinuxPodSandboxConfig;
import io.tessera.sandbox.model.LinuxSandboxSecurityContext;
import io.tessera.sandbox.model.Mount;
import io.tessera.sandbox.model.MountPropagation;
import io.tessera.sandbox.model.NamespaceMode;
import io.tessera.sandbox.model.NamespaceOptions;
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
import io.tessera.sandbox.model.SeLinuxOption;
import io.tessera.sandbox.model.SecurityProfile;
import io.tessera.sandbox.model.SupplementalGroupsPolicy;
import io.tessera.sandbox.model.UserNamespace;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.Combinators;

/** Valid domain objects of every shape, for property tests. */
final class DomainArbitraries {
  private DomainArbitraries() {}

  // Characters that JSON must escape or encode as more than one byte, plus ordinary ones.
  private static final String CHARS = "abcXYZ019-_.:/ =\"\\\n\t\u0000\u00e9\u20ac\u4e2d";

  static Arbitrary<String> text() {
    return Arbitraries.strings().withChars(CHARS).ofMaxLength(10);
  }

  static Arbitrary<String> nonEmpty() {
    return Arbitraries.strings().withChars(CHARS).ofMinLength(1).ofMaxLength(10);
  }

  static Arbitrary<String> id() {
    return Arbitraries.strings().withChars("0123456789abcdef").ofLength(64);
  }

  static Arbitrary<Path> absolutePath() {
    return Arbitraries.strings()
        .withChars("abc019-_.")
        .ofMinLength(1)
        .ofMaxLength(6)
        .filter(s -> !s.equals(".") && !s.equals(".."))
        .list()
        .ofMinSize(1)
        .ofMaxSize(3)
        .map(parts -> Path.of("/" + String.join("/", parts)));
  }

  static Arbitrary<Map<String, String>> stringMap() {
    return Arbitraries.maps(nonEmpty(), text()).ofMaxSize(3);
  }

  static Arbitrary<List<String>> stringList() {
    return text().list().ofMaxSize(3);
  }

  static Arbitrary<Long> uint32() {
    return Arbitraries.longs().between(0, 0xFFFF_FFFFL);
  }

  static Arbitrary<Long> anyLong() {
    return Arbitraries.longs();
  }

  static Arbitrary<OptionalLong> optionalLong(Arbitrary<Long> values) {
    return values.optional().map(o -> o.map(OptionalLong::of).orElse(OptionalLong.empty()));
  }

  static Arbitrary<Long> positive() {
    return Arbitraries.longs().between(1, Long.MAX_VALUE);
  }

  // --- shared values

  static Arbitrary<IdMapping> idMapping() {
    return Combinators.combine(uint32(), uint32(), uint32()).as(IdMapping::new);
  }

  static Arbitrary<UserNamespace> userNamespace() {
    return Combinators.combine(
            Arbitraries.of(NamespaceMode.POD, NamespaceMode.NODE),
            idMapping().list().ofMaxSize(2),
            idMapping().list().ofMaxSize(2))
        .as(UserNamespace::new);
  }

  static Arbitrary<NamespaceOptions> namespaceOptions() {
    Arbitrary<NamespaceMode> mode = Arbitraries.of(NamespaceMode.class);
    return Combinators.combine(mode, mode, mode, text(), userNamespace().optional())
        .as(
            (n, p, i, t, u) -> {
              boolean targeted =
                  n == NamespaceMode.TARGET
                      || p == NamespaceMode.TARGET
                      || i == NamespaceMode.TARGET;
              return new NamespaceOptions(n, p, i, targeted && t.isEmpty() ? "target" : t, u);
            });
  }

  static Arbitrary<SeLinuxOption> seLinux() {
    return Combinators.combine(text(), text(), text(), text()).as(SeLinuxOption::new);
  }

  static Arbitrary<SecurityProfile> securityProfile() {
    return Arbitraries.oneOf(
        Arbitraries.just(SecurityProfile.runtimeDefault()),
        Arbitraries.just(SecurityProfile.unconfined()),
        nonEmpty().map(SecurityProfile::localhost));
  }

  static Arbitrary<LinuxContainerResources> resources() {
    return Builders.withBuilder(LinuxContainerResources::builder)
        .use(anyLong())
        .in(LinuxContainerResources.Builder::cpuPeriod)
        .use(anyLong())
        .in(LinuxContainerResources.Builder::cpuQuota)
        .use(anyLong())
        .in(LinuxContainerResources.Builder::cpuShares)
        .use(anyLong())
        .in(LinuxContainerResources.Builder::memoryLimitInBytes)
        .use(Arbitraries.longs().between(-1000, 1000))
        .in(LinuxContainerResources.Builder::oomScoreAdj)
        .use(text())
        .in(LinuxContainerResources.Builder::cpusetCpus)
        .use(text())
        .in(LinuxContainerResources.Builder::cpusetMems)
        .use(
            Combinators.combine(nonEmpty(), Arbitraries.longs().greaterOrEqual(0))
                .as(HugepageLimit::new)
                .list()
                .ofMaxSize(2))
        .in(LinuxContainerResources.Builder::hugepageLimits)
        .use(stringMap())
        .in(LinuxContainerResources.Builder::unified)
        .use(anyLong())
        .in(LinuxContainerResources.Builder::memorySwapLimitInBytes)
        .build(LinuxContainerResources.Builder::build);
  }

  static Arbitrary<ImageSpec> imageSpec() {
    return Combinators.combine(nonEmpty(), stringMap(), text(), text(), text()).as(ImageSpec::new);
  }

  // --- pods

  /** runAsGroup only with runAsUser. */
  static Arbitrary<LinuxSandboxSecurityContext> sandboxSecurity() {
    Arbitrary<OptionalLong[]> userGroup =
        optionalLong(anyLong())
            .flatMap(
                u ->
                    u.isEmpty()
                        ? Arbitraries.just(new OptionalLong[] {u, OptionalLong.empty()})
                        : optionalLong(anyLong()).map(g -> new OptionalLong[] {u, g}));
    return Builders.withBuilder(LinuxSandboxSecurityContext::builder)
        .use(namespaceOptions())
        .in(LinuxSandboxSecurityContext.Builder::namespaceOptions)
        .use(seLinux().optional())
        .in(LinuxSandboxSecurityContext.Builder::seLinuxOptions)
        .use(userGroup)
        .in((b, ug) -> b.runAsUser(ug[0]).runAsGroup(ug[1]))
        .use(Arbitraries.of(true, false))
        .in(LinuxSandboxSecurityContext.Builder::readonlyRootfs)
        .use(anyLong().list().ofMaxSize(3))
        .in(LinuxSandboxSecurityContext.Builder::supplementalGroups)
        .use(Arbitraries.of(SupplementalGroupsPolicy.class))
        .in(LinuxSandboxSecurityContext.Builder::supplementalGroupsPolicy)
        .use(Arbitraries.of(true, false))
        .in(LinuxSandboxSecurityContext.Builder::privileged)
        .use(securityProfile().optional())
        .in(LinuxSandboxSecurityContext.Builder::seccomp)
        .use(securityProfile().optional())
        .in(LinuxSandboxSecurityContext.Builder::apparmor)
        .build(LinuxSandboxSecurityContext.Builder::build);
  }

  static Arbitrary<LinuxPodSandboxConfig> linuxPodConfig() {
    return Combinators.combine(
            text(), sandboxSecurity(), stringMap(), resources().optional(), resources().optional())
        .as(LinuxPodSandboxConfig::new);
  }

  static Arbitrary<PodSandboxConfig> podConfig() {
    Arbitrary<PodSandboxMetadata> metadata =
        Combinators.combine(nonEmpty(), text(), text(), uint32()).as(PodSandboxMetadata::new);
    Arbitrary<PortMapping> port =
        Combinators.combine(
                Arbitraries.of(Protocol.class),
                Arbitraries.integers().between(0, 65535),
                Arbitraries.integers().between(0, 65535),
                text())
            .as(PortMapping::new);
    return metadata.flatMap(
        m ->
            Builders.withBuilder(() -> PodSandboxConfig.builder(m))
                .use(text())
                .in(PodSandboxConfig.Builder::hostname)
                .use(text())
                .in(PodSandboxConfig.Builder::logDirectory)
                .use(
                    Combinators.combine(stringList(), stringList(), stringList())
                        .as(DnsConfig::new)
                        .optional())
                .in(PodSandboxConfig.Builder::dnsConfig)
                .use(port.list().ofMaxSize(3))
                .in(PodSandboxConfig.Builder::portMappings)
                .use(stringMap())
                .in(PodSandboxConfig.Builder::labels)
                .use(stringMap())
                .in(PodSandboxConfig.Builder::annotations)
                .use(linuxPodConfig())
                .in(PodSandboxConfig.Builder::linux)
                .build(PodSandboxConfig.Builder::build));
  }

  static Arbitrary<PodIps> podIps() {
    return nonEmpty()
        .optional()
        .flatMap(
            primary ->
                primary.isEmpty()
                    ? Arbitraries.just(PodIps.NONE)
                    : nonEmpty()
                        .filter(ip -> !ip.equals(primary.get()))
                        .list()
                        .ofMaxSize(2)
                        .map(more -> new PodIps(primary, more)));
  }

  static Arbitrary<PodSandboxRuntimeFacts> podFacts() {
    return Builders.withBuilder(PodSandboxRuntimeFacts::builder)
        .use(Arbitraries.maps(Arbitraries.of(NamespaceType.class), absolutePath()).ofMaxSize(4))
        .in(PodSandboxRuntimeFacts.Builder::namespacePaths)
        .use(optionalLong(positive()))
        .in(PodSandboxRuntimeFacts.Builder::infraPid)
        .use(nonEmpty().optional())
        .in(PodSandboxRuntimeFacts.Builder::cgroupPath)
        .use(absolutePath().optional())
        .in(PodSandboxRuntimeFacts.Builder::hostsPath)
        .use(absolutePath().optional())
        .in(PodSandboxRuntimeFacts.Builder::resolvConfPath)
        .use(absolutePath().optional())
        .in(PodSandboxRuntimeFacts.Builder::hostnamePath)
        .use(absolutePath().optional())
        .in(PodSandboxRuntimeFacts.Builder::shmPath)
        .use(podIps())
        .in(PodSandboxRuntimeFacts.Builder::ips)
        .build(PodSandboxRuntimeFacts.Builder::build);
  }

  static Arbitrary<PodSandboxStatus> podStatus() {
    return Combinators.combine(
            Arbitraries.of(PodSandboxState.class),
            resources().optional(),
            resources().optional(),
            Arbitraries.of(PendingOperation.NONE, PendingOperation.REMOVING))
        .as(PodSandboxStatus::new);
  }

  static Arbitrary<PodSandbox> pod() {
    return Combinators.combine(id(), podConfig(), nonEmpty(), positive(), podFacts(), podStatus())
        .as(PodSandbox::new);
  }

  // --- containers

  static Arbitrary<Mount> mount() {
    Arbitrary<MountPropagation> propagation = Arbitraries.of(MountPropagation.class);
    Arbitrary<Mount.Builder> source =
        Arbitraries.oneOf(
            Combinators.combine(nonEmpty(), nonEmpty()).as(Mount::hostPath),
            Combinators.combine(nonEmpty(), imageSpec(), text())
                .as((p, i, sub) -> Mount.image(p, i).imageSubPath(sub)));
    return Combinators.combine(
            source,
            Arbitraries.of(true, false),
            Arbitraries.of(true, false),
            propagation,
            idMapping().list().ofMaxSize(2),
            idMapping().list().ofMaxSize(2),
            Arbitraries.of(true, false))
        .as(
            (b, readonly, relabel, prop, uids, gids, rro) ->
                b.readonly(readonly)
                    .selinuxRelabel(relabel)
                    .propagation(prop)
                    .uidMappings(uids)
                    .gidMappings(gids)
                    .recursiveReadOnly(rro && readonly && prop == MountPropagation.PRIVATE)
                    .build());
  }

  /** runAsUser and runAsUsername exclusive; runAsGroup only with one of them. */
  static Arbitrary<LinuxContainerSecurityContext> containerSecurity() {
    Arbitrary<Object[]> identity =
        Arbitraries.integers()
            .between(0, 2)
            .flatMap(
                which -> {
                  Arbitrary<OptionalLong> user =
                      which == 1
                          ? anyLong().map(OptionalLong::of)
                          : Arbitraries.just(OptionalLong.empty());
                  Arbitrary<Optional<String>> name =
                      which == 2
                          ? nonEmpty().map(Optional::of)
                          : Arbitraries.just(Optional.empty());
                  Arbitrary<OptionalLong> group =
                      which == 0 ? Arbitraries.just(OptionalLong.empty()) : optionalLong(anyLong());
                  return Combinators.combine(user, name, group)
                      .as((u, n, g) -> new Object[] {u, n, g});
                });
    return Builders.withBuilder(LinuxContainerSecurityContext::builder)
        .use(Combinators.combine(stringList(), stringList(), stringList()).as(Capabilities::new))
        .in(LinuxContainerSecurityContext.Builder::capabilities)
        .use(Arbitraries.of(true, false))
        .in(LinuxContainerSecurityContext.Builder::privileged)
        .use(namespaceOptions())
        .in(LinuxContainerSecurityContext.Builder::namespaceOptions)
        .use(seLinux().optional())
        .in(LinuxContainerSecurityContext.Builder::seLinuxOptions)
        .use(identity)
        .in(DomainArbitraries::withIdentity)
        .use(Arbitraries.of(true, false))
        .in(LinuxContainerSecurityContext.Builder::readonlyRootfs)
        .use(anyLong().list().ofMaxSize(3))
        .in(LinuxContainerSecurityContext.Builder::supplementalGroups)
        .use(Arbitraries.of(SupplementalGroupsPolicy.class))
        .in(LinuxContainerSecurityContext.Builder::supplementalGroupsPolicy)
        .use(Arbitraries.of(true, false))
        .in(LinuxContainerSecurityContext.Builder::noNewPrivs)
        .use(stringList())
        .in(LinuxContainerSecurityContext.Builder::maskedPaths)
        .use(stringList())
        .in(LinuxContainerSecurityContext.Builder::readonlyPaths)
        .use(securityProfile().optional())
        .in(LinuxContainerSecurityContext.Builder::seccomp)
        .use(securityProfile().optional())
        .in(LinuxContainerSecurityContext.Builder::apparmor)
        .build(LinuxContainerSecurityContext.Builder::build);
  }

  @SuppressWarnings("unchecked")
  private static LinuxContainerSecurityContext.Builder withIdentity(
      LinuxContainerSecurityContext.Builder b, Object[] identity) {
    return b.runAsUser((OptionalLong) identity[0])
        .runAsUsername((Optional<String>) identity[1])
        .runAsGroup((OptionalLong) identity[2]);
  }

  static Arbitrary<ContainerConfig> containerConfig() {
    Arbitrary<ContainerMetadata> metadata =
        Combinators.combine(nonEmpty(), uint32()).as(ContainerMetadata::new);
    Arbitrary<String> relativeLog = text().filter(s -> !s.startsWith("/"));
    Arbitrary<String> signal =
        Arbitraries.strings()
            .withChars("ABCRTMINPLUS0123456789")
            .ofMinLength(1)
            .ofMaxLength(8)
            .map(s -> "SIG" + s);
    return Combinators.combine(metadata, imageSpec())
        .flatAs(
            (m, image) ->
                Builders.withBuilder(() -> ContainerConfig.builder(m, image))
                    .use(stringList())
                    .in(ContainerConfig.Builder::command)
                    .use(stringList())
                    .in(ContainerConfig.Builder::args)
                    .use(text())
                    .in(ContainerConfig.Builder::workingDir)
                    .use(
                        Combinators.combine(nonEmpty(), text())
                            .as(KeyValue::new)
                            .list()
                            .ofMaxSize(4))
                    .in(ContainerConfig.Builder::envs)
                    .use(mount().list().ofMaxSize(3))
                    .in(ContainerConfig.Builder::mounts)
                    .use(
                        Combinators.combine(
                                nonEmpty(), nonEmpty(), Arbitraries.of("", "r", "rw", "rwm", "m"))
                            .as(Device::new)
                            .list()
                            .ofMaxSize(2))
                    .in(ContainerConfig.Builder::devices)
                    .use(stringMap())
                    .in(ContainerConfig.Builder::labels)
                    .use(stringMap())
                    .in(ContainerConfig.Builder::annotations)
                    .use(relativeLog)
                    .in(ContainerConfig.Builder::logPath)
                    .use(Arbitraries.of(true, false))
                    .in(ContainerConfig.Builder::stdin)
                    .use(Arbitraries.of(true, false))
                    .in(ContainerConfig.Builder::stdinOnce)
                    .use(Arbitraries.of(true, false))
                    .in(ContainerConfig.Builder::tty)
                    .use(
                        Combinators.combine(resources().optional(), containerSecurity())
                            .as(LinuxContainerConfig::new))
                    .in(ContainerConfig.Builder::linux)
                    .use(stringList())
                    .in(ContainerConfig.Builder::cdiDevices)
                    .use(signal.optional())
                    .in(ContainerConfig.Builder::stopSignal)
                    .build(ContainerConfig.Builder::build));
  }

  static Arbitrary<ContainerRuntimeFacts> containerFacts() {
    return Builders.withBuilder(ContainerRuntimeFacts::builder)
        .use(nonEmpty())
        .in(ContainerRuntimeFacts.Builder::imageId)
        .use(text())
        .in(ContainerRuntimeFacts.Builder::imageRef)
        .use(nonEmpty())
        .in(ContainerRuntimeFacts.Builder::runtimeHandler)
        .use(absolutePath())
        .in(ContainerRuntimeFacts.Builder::runtimePath)
        .use(absolutePath().optional())
        .in(ContainerRuntimeFacts.Builder::runtimeRoot)
        .use(absolutePath())
        .in(ContainerRuntimeFacts.Builder::bundleDir)
        .use(absolutePath())
        .in(ContainerRuntimeFacts.Builder::rootfs)
        .use(nonEmpty())
        .in(ContainerRuntimeFacts.Builder::snapshotKey)
        .use(optionalLong(positive()))
        .in(ContainerRuntimeFacts.Builder::conmonPid)
        .use(absolutePath().optional())
        .in(ContainerRuntimeFacts.Builder::logPath)
        .use(
            Combinators.combine(uint32(), uint32(), anyLong().list().ofMaxSize(3))
                .as(LinuxContainerUser::new)
                .optional())
        .in(ContainerRuntimeFacts.Builder::user)
        .use(nonEmpty())
        .in(ContainerRuntimeFacts.Builder::stopSignal)
        .build(ContainerRuntimeFacts.Builder::build);
  }

  /** Times fitting each state's invariant. */
  static Arbitrary<ContainerStatus> containerStatus() {
    Arbitrary<Long> time = positive();
    return Combinators.combine(
            Arbitraries.of(ContainerState.class),
            time,
            time,
            time,
            Arbitraries.integers(),
            text(),
            text(),
            Arbitraries.longs().greaterOrEqual(0))
        .flatAs(
            (state, created, started, finished, code, reason, message, pid) ->
                Combinators.combine(
                        resources().optional(),
                        Arbitraries.of(PendingOperation.class),
                        Arbitraries.of(true, false))
                    .as(
                        (res, pending, flag) ->
                            ContainerStatus.builder(state, created)
                                .startedAt(
                                    switch (state) {
                                      case CREATED -> 0;
                                      case RUNNING -> started;
                                      case EXITED, UNKNOWN -> flag ? started : 0;
                                    })
                                .finishedAt(
                                    switch (state) {
                                      case CREATED, RUNNING -> 0;
                                      case EXITED -> finished;
                                      case UNKNOWN -> flag ? 0 : finished;
                                    })
                                .exitCode(code)
                                .reason(reason)
                                .message(message)
                                .pid(pid)
                                .resources(res)
                                .pending(pending)
                                .build()));
  }

  static Arbitrary<Container> container() {
    return Combinators.combine(id(), id(), containerConfig(), containerFacts(), containerStatus())
        .as(Container::new);
  }
}
