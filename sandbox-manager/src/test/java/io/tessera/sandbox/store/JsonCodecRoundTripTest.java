package io.tessera.sandbox.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.sandbox.model.Container;
import io.tessera.sandbox.model.PodSandbox;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Whatever valid object is written loads back equal, but for the transient parts it drops. */
class JsonCodecRoundTripTest {

  @Provide
  Arbitrary<PodSandbox> pods() {
    return DomainArbitraries.pod();
  }

  @Provide
  Arbitrary<Container> containers() {
    return DomainArbitraries.container();
  }

  @Property(tries = 300)
  void podSandboxesRoundTrip(@ForAll("pods") PodSandbox pod) {
    PodSandbox back = JsonCodec.POD_SANDBOX.decode(JsonCodec.POD_SANDBOX.encode(pod));
    assertThat(back).isEqualTo(pod.withStatus(pod.status().durable()));
  }

  @Property(tries = 300)
  void containersRoundTrip(@ForAll("containers") Container container) {
    Container back = JsonCodec.CONTAINER.decode(JsonCodec.CONTAINER.encode(container));
    assertThat(back).isEqualTo(container.withStatus(container.status().durable()));
  }
}
