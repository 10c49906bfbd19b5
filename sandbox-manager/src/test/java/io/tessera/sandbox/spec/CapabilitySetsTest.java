package io.tessera.sandbox.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.oci.spec.OciSpecs;
import io.tessera.sandbox.model.Capabilities;
import java.util.List;
import org.junit.jupiter.api.Test;

class CapabilitySetsTest {
  private static Capabilities caps(List<String> add, List<String> drop) {
    return new Capabilities(add, drop, List.of());
  }

  @Test
  void noChangeIsTheDefaultSet() {
    assertThat(CapabilitySets.granted(Capabilities.NONE, false, CapabilitySets.ALL))
        .containsExactlyElementsOf(OciSpecs.DEFAULT_CAPABILITIES);
  }

  @Test
  void addAndDropAcceptNamesWithOrWithoutPrefix() {
    List<String> got =
        CapabilitySets.granted(
            caps(List.of("net_admin", "CAP_SYS_TIME"), List.of("KILL")), false, CapabilitySets.ALL);
    assertThat(got).contains("CAP_NET_ADMIN", "CAP_SYS_TIME").doesNotContain("CAP_KILL");
  }

  @Test
  void dropAllThenAddGivesOnlyTheAdded() {
    assertThat(
            CapabilitySets.granted(
                caps(List.of("NET_BIND_SERVICE"), List.of("ALL")), false, CapabilitySets.ALL))
        .containsExactly("CAP_NET_BIND_SERVICE");
  }

  @Test
  void addAllGivesEveryCapabilityMinusDrops() {
    List<String> got =
        CapabilitySets.granted(
            caps(List.of("all"), List.of("SYS_ADMIN")), false, CapabilitySets.ALL);
    assertThat(got).hasSize(CapabilitySets.ALL.size() - 1).doesNotContain("CAP_SYS_ADMIN");
  }

  @Test
  void privilegedGetsEveryCapability() {
    assertThat(CapabilitySets.granted(caps(List.of(), List.of("ALL")), true, CapabilitySets.ALL))
        .hasSize(41)
        .contains("CAP_CHECKPOINT_RESTORE", "CAP_BPF", "CAP_PERFMON");
  }

  @Test
  void privilegedAndAddAllGetOnlyWhatTheHostHolds() {
    List<String> host = List.of("CAP_CHOWN", "CAP_SYS_ADMIN");
    assertThat(CapabilitySets.granted(Capabilities.NONE, true, host)).isEqualTo(host);
    assertThat(CapabilitySets.granted(caps(List.of("ALL"), List.of("CHOWN")), false, host))
        .containsExactly("CAP_SYS_ADMIN");
  }

  @Test
  void boundingSetIsReadFromProcStatus() {
    String status =
        "Name:\tjava\nCapInh:\t0000000000000000\nCapPrm:\t000001fffeffffff\n"
            + "CapBnd:\t000001fffeffffff\nCapAmb:\t0000000000000000\n";
    List<String> got = CapabilitySets.fromMask(CapabilitySets.boundingMask(status));
    assertThat(got)
        .hasSize(40)
        .doesNotContain("CAP_SYS_RESOURCE")
        .contains("CAP_CHECKPOINT_RESTORE");
    assertThat(CapabilitySets.fromMask(0x5)).containsExactly("CAP_CHOWN", "CAP_DAC_READ_SEARCH");
    assertThat(CapabilitySets.fromMask(-1L)).isEqualTo(CapabilitySets.ALL);
    assertThatThrownBy(() -> CapabilitySets.boundingMask("Name:\tx\n"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void ambientCapabilitiesAreGrantedAndListed() {
    Capabilities c = new Capabilities(List.of(), List.of("ALL"), List.of("net_raw"));
    List<String> granted = CapabilitySets.granted(c, false, CapabilitySets.ALL);
    assertThat(granted).containsExactly("CAP_NET_RAW");
    assertThat(CapabilitySets.ambient(c, granted)).containsExactly("CAP_NET_RAW");
  }

  @Test
  void unknownNamesAreRefused() {
    assertThatThrownBy(
            () ->
                CapabilitySets.granted(caps(List.of("FLY"), List.of()), false, CapabilitySets.ALL))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("FLY");
  }
}
