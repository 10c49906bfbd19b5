package io.tessera.sandbox.seccomp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.InvalidArgumentException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SeccompProfileTest {

  @Test
  void localhostTakesAnAbsolutePathAndDropsTheAnnotationPrefix() {
    assertThat(SeccompProfile.localhost("/var/lib/kubelet/seccomp/a.json").localhostPath())
        .contains(Path.of("/var/lib/kubelet/seccomp/a.json"));
    assertThat(SeccompProfile.localhost("localhost//etc/p.json").localhostPath())
        .contains(Path.of("/etc/p.json"));
  }

  @Test
  void localhostRefusesRelativeOrEmptyReferences() {
    assertThatThrownBy(() -> SeccompProfile.localhost("profiles/audit.json"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessage(
            "seccomp profile profiles/audit.json: a Localhost profile must be an absolute path");
    assertThatThrownBy(() -> SeccompProfile.localhost(""))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("needs a path");
    assertThatThrownBy(() -> SeccompProfile.localhost("localhost/"))
        .isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void aPathBelongsToLocalhostOnly() {
    assertThatThrownBy(
            () ->
                new SeccompProfile(
                    SeccompProfile.Type.RUNTIME_DEFAULT, Optional.of(Path.of("/etc/p.json"))))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("not for RUNTIME_DEFAULT");
    assertThatThrownBy(() -> new SeccompProfile(SeccompProfile.Type.LOCALHOST, Optional.empty()))
        .isInstanceOf(InvalidArgumentException.class);
    assertThat(SeccompProfile.runtimeDefault().localhostPath()).isEmpty();
    assertThat(SeccompProfile.unconfined().type()).isEqualTo(SeccompProfile.Type.UNCONFINED);
  }
}
