package io.tessera.sandbox.store;

import io.tessera.sandbox.model.HugepageLimit;
import io.tessera.sandbox.model.IdMapping;
import io.tessera.sandbox.model.ImageSpec;
import io.tessera.sandbox.model.LinuxContainerResources;
import io.tessera.sandbox.model.NamespaceMode;
import io.tessera.sandbox.model.NamespaceOptions;
import io.tessera.sandbox.model.SeLinuxOption;
import io.tessera.sandbox.model.SecurityProfile;
import io.tessera.sandbox.model.UserNamespace;
import io.tessera.sandbox.store.CommonJson.HugepageLimitJson;
import io.tessera.sandbox.store.CommonJson.IdMappingJson;
import io.tessera.sandbox.store.CommonJson.ImageSpecJson;
import io.tessera.sandbox.store.CommonJson.NamespaceOptionsJson;
import io.tessera.sandbox.store.CommonJson.ResourcesJson;
import io.tessera.sandbox.store.CommonJson.SeLinuxJson;
import io.tessera.sandbox.store.CommonJson.SecurityProfileJson;
import io.tessera.sandbox.store.CommonJson.UserNamespaceJson;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * Translation between the shared domain values and {@link CommonJson}, plus the helpers every
 * translator uses. Reading never trusts the file: a missing value or unknown enum name is a {@link
 * RecordFormatException} naming the field.
 */
final class CommonJsonTranslator {
  private CommonJsonTranslator() {}

  // --- helpers

  static <T> T req(T value, String field) {
    if (value == null) {
      throw RecordFormatException.corrupt("missing " + field);
    }
    return value;
  }

  /** Enum constants are stored by their domain name; renaming one needs a mapping here. */
  static <E extends Enum<E>> E enumOf(Class<E> type, String name, String field) {
    req(name, field);
    try {
      return Enum.valueOf(type, name);
    } catch (IllegalArgumentException e) {
      throw RecordFormatException.corrupt(field + " has unknown value '" + name + "'", e);
    }
  }

  static <A, B> List<B> mapList(List<A> list, String field, Function<A, B> f) {
    return req(list, field).stream().map(a -> f.apply(req(a, field + " entry"))).toList();
  }

  static String pathString(Optional<Path> p) {
    return p.map(Path::toString).orElse(null);
  }

  static Optional<Path> optionalPath(String s) {
    return Optional.ofNullable(s).map(Path::of);
  }

  static Path path(String s, String field) {
    return Path.of(req(s, field));
  }

  static Long boxed(OptionalLong v) {
    return v.isPresent() ? v.getAsLong() : null;
  }

  static OptionalLong optionalLong(Long v) {
    return v == null ? OptionalLong.empty() : OptionalLong.of(v);
  }

  // --- id mappings and namespaces

  static IdMappingJson toJson(IdMapping m) {
    return new IdMappingJson(m.hostId(), m.containerId(), m.length());
  }

  static IdMapping fromJson(IdMappingJson j) {
    return new IdMapping(j.hostId(), j.containerId(), j.length());
  }

  static NamespaceOptionsJson toJson(NamespaceOptions o) {
    return new NamespaceOptionsJson(
        o.network().name(),
        o.pid().name(),
        o.ipc().name(),
        o.targetId(),
        o.userNamespace()
            .map(
                u ->
                    new UserNamespaceJson(
                        u.mode().name(),
                        u.uids().stream().map(CommonJsonTranslator::toJson).toList(),
                        u.gids().stream().map(CommonJsonTranslator::toJson).toList()))
            .orElse(null));
  }

  static NamespaceOptions fromJson(NamespaceOptionsJson j) {
    return new NamespaceOptions(
        enumOf(NamespaceMode.class, j.network(), "namespace network"),
        enumOf(NamespaceMode.class, j.pid(), "namespace pid"),
        enumOf(NamespaceMode.class, j.ipc(), "namespace ipc"),
        req(j.targetId(), "namespace target id"),
        Optional.ofNullable(j.userNamespace())
            .map(
                u ->
                    new UserNamespace(
                        enumOf(NamespaceMode.class, u.mode(), "user namespace mode"),
                        mapList(u.uids(), "user namespace uids", CommonJsonTranslator::fromJson),
                        mapList(u.gids(), "user namespace gids", CommonJsonTranslator::fromJson))));
  }

  // --- security

  static SeLinuxJson toJson(SeLinuxOption s) {
    return new SeLinuxJson(s.user(), s.role(), s.type(), s.level());
  }

  static SeLinuxOption fromJson(SeLinuxJson j) {
    return new SeLinuxOption(
        req(j.user(), "selinux user"),
        req(j.role(), "selinux role"),
        req(j.type(), "selinux type"),
        req(j.level(), "selinux level"));
  }

  static SecurityProfileJson toJson(SecurityProfile p) {
    return new SecurityProfileJson(p.type().name(), p.localhostRef());
  }

  static SecurityProfile fromJson(SecurityProfileJson j) {
    return new SecurityProfile(
        enumOf(SecurityProfile.Type.class, j.type(), "security profile type"),
        req(j.localhostRef(), "security profile localhost ref"));
  }

  // --- resources

  static ResourcesJson toJson(LinuxContainerResources r) {
    return new ResourcesJson(
        r.cpuPeriod(),
        r.cpuQuota(),
        r.cpuShares(),
        r.memoryLimitInBytes(),
        r.oomScoreAdj(),
        r.cpusetCpus(),
        r.cpusetMems(),
        r.hugepageLimits().stream()
            .map(h -> new HugepageLimitJson(h.pageSize(), h.limit()))
            .toList(),
        r.unified(),
        r.memorySwapLimitInBytes());
  }

  static LinuxContainerResources fromJson(ResourcesJson j) {
    return LinuxContainerResources.builder()
        .cpuPeriod(j.cpuPeriod())
        .cpuQuota(j.cpuQuota())
        .cpuShares(j.cpuShares())
        .memoryLimitInBytes(j.memoryLimitInBytes())
        .oomScoreAdj(j.oomScoreAdj())
        .cpusetCpus(req(j.cpusetCpus(), "cpuset cpus"))
        .cpusetMems(req(j.cpusetMems(), "cpuset mems"))
        .hugepageLimits(
            mapList(
                j.hugepageLimits(),
                "hugepage limits",
                h -> new HugepageLimit(req(h.pageSize(), "hugepage size"), h.limit())))
        .unified(req(j.unified(), "unified"))
        .memorySwapLimitInBytes(j.memorySwapLimitInBytes())
        .build();
  }

  static ResourcesJson toJson(Optional<LinuxContainerResources> r) {
    return r.map(CommonJsonTranslator::toJson).orElse(null);
  }

  static Optional<LinuxContainerResources> optionalResources(ResourcesJson j) {
    return Optional.ofNullable(j).map(CommonJsonTranslator::fromJson);
  }

  // --- images

  static ImageSpecJson toJson(ImageSpec i) {
    return new ImageSpecJson(
        i.image(), i.annotations(), i.userSpecifiedImage(), i.runtimeHandler(), i.imageRef());
  }

  static ImageSpec fromJson(ImageSpecJson j) {
    return new ImageSpec(
        req(j.image(), "image"),
        req(j.annotations(), "image annotations"),
        req(j.userSpecifiedImage(), "user specified image"),
        req(j.runtimeHandler(), "image runtime handler"),
        req(j.imageRef(), "image ref"));
  }
}
