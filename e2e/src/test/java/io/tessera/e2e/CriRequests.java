package io.tessera.e2e;

import io.tessera.cri.v1.ContainerConfig;
import io.tessera.cri.v1.ContainerMetadata;
import io.tessera.cri.v1.ImageSpec;
import io.tessera.cri.v1.KeyValue;
import io.tessera.cri.v1.LinuxPodSandboxConfig;
import io.tessera.cri.v1.LinuxSandboxSecurityContext;
import io.tessera.cri.v1.NamespaceMode;
import io.tessera.cri.v1.NamespaceOption;
import io.tessera.cri.v1.PodSandboxConfig;
import io.tessera.cri.v1.PodSandboxMetadata;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * Readable builders for CRI requests, the way kubelet fills them: {@code
 * CriRequests.podSandbox("web", logDir).withHostNetwork().build()}.
 */
final class CriRequests {
  private CriRequests() {}

  static PodBuilder podSandbox(String name, Path logDir) {
    return new PodBuilder(name, logDir);
  }

  static ContainerConfig.Builder container(String name, String image, String... command) {
    return ContainerConfig.newBuilder()
        .setMetadata(ContainerMetadata.newBuilder().setName(name))
        .setImage(ImageSpec.newBuilder().setImage(image))
        .addAllCommand(List.of(command))
        .setLogPath(name + "/0.log")
        .setLinux(
            io.tessera.cri.v1.LinuxContainerConfig.newBuilder()
                .setSecurityContext(
                    io.tessera.cri.v1.LinuxContainerSecurityContext.newBuilder()
                        .setNamespaceOptions(
                            NamespaceOption.newBuilder()
                                .setNetwork(NamespaceMode.POD)
                                .setPid(NamespaceMode.CONTAINER)
                                .setIpc(NamespaceMode.POD))))
        .addEnvs(KeyValue.newBuilder().setKey("E2E").setValue("yes"));
  }

  static final class PodBuilder {
    private final PodSandboxConfig.Builder config;
    private final NamespaceOption.Builder ns =
        NamespaceOption.newBuilder()
            .setNetwork(NamespaceMode.POD)
            .setPid(NamespaceMode.CONTAINER)
            .setIpc(NamespaceMode.POD);

    PodBuilder(String name, Path logDir) {
      config =
          PodSandboxConfig.newBuilder()
              .setMetadata(
                  PodSandboxMetadata.newBuilder()
                      .setName(name)
                      .setNamespace("e2e")
                      .setUid(UUID.randomUUID().toString()))
              .setHostname(name)
              .setLogDirectory(logDir.resolve(name).toString());
    }

    PodBuilder withHostNetwork() {
      ns.setNetwork(NamespaceMode.NODE);
      config.setHostname("");
      return this;
    }

    PodBuilder withHostIpcAndPid() {
      ns.setIpc(NamespaceMode.NODE);
      ns.setPid(NamespaceMode.NODE);
      return this;
    }

    PodBuilder withSharedPidNamespace() {
      ns.setPid(NamespaceMode.POD);
      return this;
    }

    PodBuilder withLabel(String k, String v) {
      config.putLabels(k, v);
      return this;
    }

    PodBuilder withSysctl(String k, String v) {
      linux().putSysctls(k, v);
      return this;
    }

    private LinuxPodSandboxConfig.Builder linux() {
      return config.getLinuxBuilder();
    }

    PodSandboxConfig build() {
      linux()
          .setSecurityContext(
              LinuxSandboxSecurityContext.newBuilder(linux().getSecurityContext())
                  .setNamespaceOptions(ns));
      return config.build();
    }
  }
}
