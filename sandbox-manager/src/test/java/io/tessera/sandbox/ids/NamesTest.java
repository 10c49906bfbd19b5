package io.tessera.sandbox.ids;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.sandbox.model.ContainerMetadata;
import io.tessera.sandbox.model.PodSandboxMetadata;
import org.junit.jupiter.api.Test;

class NamesTest {
  private final PodSandboxMetadata pod =
      new PodSandboxMetadata("web-0", "0f5e-uid", "kube-system", 2);

  @Test
  void podSandboxNameIsNameNamespaceUidAttempt() {
    assertThat(Names.podSandbox(pod)).isEqualTo("web-0_kube-system_0f5e-uid_2");
  }

  @Test
  void containerNameIsNamePodNamePodNamespacePodUidAttempt() {
    assertThat(Names.container(new ContainerMetadata("nginx", 5), pod))
        .isEqualTo("nginx_web-0_kube-system_0f5e-uid_5");
  }

  @Test
  void attemptsMakeDifferentNames() {
    PodSandboxMetadata next = new PodSandboxMetadata("web-0", "0f5e-uid", "kube-system", 3);
    assertThat(Names.podSandbox(next)).isNotEqualTo(Names.podSandbox(pod));
  }
}
