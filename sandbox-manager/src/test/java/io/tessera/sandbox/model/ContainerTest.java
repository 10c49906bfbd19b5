package io.tessera.sandbox.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.InvalidArgumentException;
import org.junit.jupiter.api.Test;

class ContainerTest {

  @Test
  void idsAreChecked() {
    assertThatThrownBy(() -> Fixtures.minimalContainer("x", Fixtures.POD_ID))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> Fixtures.minimalContainer(Fixtures.CONTAINER_ID, "abc"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("pod sandbox id");
  }

  @Test
  void convenienceAccessorsReadConfigAndStatus() {
    Container c = Fixtures.container();
    assertThat(c.state()).isEqualTo(ContainerState.EXITED);
    assertThat(c.createdAt()).isEqualTo(c.status().createdAt());
    assertThat(c.metadata().name()).isEqualTo("app");
    assertThat(c.labels()).isEqualTo(c.config().labels());
    assertThat(c.annotations()).isEqualTo(c.config().annotations());
  }

  @Test
  void withStatusKeepsTheFixedPart() {
    Container c = Fixtures.minimalContainer(Fixtures.CONTAINER_ID, Fixtures.POD_ID);
    Container running = c.withStatus(c.status().withStarted(5, 9));
    assertThat(running.config()).isSameAs(c.config());
    assertThat(running.facts()).isSameAs(c.facts());
    assertThat(running.state()).isEqualTo(ContainerState.RUNNING);
  }
}
