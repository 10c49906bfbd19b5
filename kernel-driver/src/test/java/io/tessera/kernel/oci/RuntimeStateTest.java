package io.tessera.kernel.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class RuntimeStateTest {

  /** What runc 1.1.5 printed for a created container on this host. */
  private static final String RUNC_CREATED =
      """
      {
        "ociVersion": "1.0.2-dev",
        "id": "c1",
        "pid": 8857,
        "status": "created",
        "bundle": "/tmp/proto.9fIH/b",
        "rootfs": "/tmp/proto.9fIH/b/rootfs",
        "created": "2026-12-04T15:15:17.733558943Z",
        "owner": ""
      }""";

  @Test
  void parsesRuncState() {
    RuntimeState s = RuntimeState.parse(RUNC_CREATED);
    assertThat(s.id()).isEqualTo("c1");
    assertThat(s.status()).isEqualTo(ContainerStatus.CREATED);
    assertThat(s.pid()).isEqualTo(8857);
    assertThat(s.bundle()).isEqualTo("/tmp/proto.9fIH/b");
    assertThat(s.rootfs()).isEqualTo("/tmp/proto.9fIH/b/rootfs");
    assertThat(s.created()).contains(Instant.parse("2026-12-04T15:15:17.733558943Z"));
    assertThat(s.annotations()).isEmpty();
  }

  @Test
  void stoppedContainerHasNoPidAndAnnotationsAreKept() {
    RuntimeState s =
        RuntimeState.parse(
            "{\"id\":\"x\",\"status\":\"stopped\",\"pid\":0,\"annotations\":{\"a\":\"b\"}}");
    assertThat(s.status()).isEqualTo(ContainerStatus.STOPPED);
    assertThat(s.pid()).isZero();
    assertThat(s.annotations()).containsEntry("a", "b");
    assertThat(s.created()).isEmpty();
  }

  @Test
  void unknownStatusIsUnknown() {
    assertThat(RuntimeState.parse("{\"id\":\"x\",\"status\":\"hibernating\"}").status())
        .isEqualTo(ContainerStatus.UNKNOWN);
  }

  @Test
  void listOfNoneIsNull() {
    assertThat(RuntimeState.parseList("null\n")).isEmpty();
    assertThat(RuntimeState.parseList("[" + RUNC_CREATED + "]")).hasSize(1);
  }

  @Test
  void rejectsNonState() {
    assertThatThrownBy(() -> RuntimeState.parse("{\"status\":\"running\"}"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RuntimeState.parse("time=... level=error"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
