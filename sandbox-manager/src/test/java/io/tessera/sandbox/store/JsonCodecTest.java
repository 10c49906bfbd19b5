package io.tessera.sandbox.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.sandbox.model.Container;
import io.tessera.sandbox.model.Fixtures;
import io.tessera.sandbox.model.PendingOperation;
import io.tessera.sandbox.model.PodSandbox;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class JsonCodecTest {

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = JsonCodecTest.class.getResourceAsStream(name)) {
      assertThat(in).as(name).isNotNull();
      return in.readAllBytes();
    }
  }

  @Test
  void fullyPopulatedPodRoundTrips() {
    PodSandbox pod = Fixtures.pod();
    assertThat(JsonCodec.POD_SANDBOX.decode(JsonCodec.POD_SANDBOX.encode(pod))).isEqualTo(pod);
  }

  @Test
  void minimalPodRoundTrips() {
    PodSandbox pod = Fixtures.minimalPod(Fixtures.POD_ID);
    assertThat(JsonCodec.POD_SANDBOX.decode(JsonCodec.POD_SANDBOX.encode(pod))).isEqualTo(pod);
  }

  @Test
  void fullyPopulatedContainerRoundTrips() {
    Container c = Fixtures.container();
    assertThat(JsonCodec.CONTAINER.decode(JsonCodec.CONTAINER.encode(c))).isEqualTo(c);
  }

  @Test
  void minimalContainerRoundTrips() {
    Container c = Fixtures.minimalContainer(Fixtures.CONTAINER_ID, Fixtures.POD_ID);
    assertThat(JsonCodec.CONTAINER.decode(JsonCodec.CONTAINER.encode(c))).isEqualTo(c);
  }

  @Test
  void pendingOperationsAreNeverWritten() {
    Container c = Fixtures.minimalContainer(Fixtures.CONTAINER_ID, Fixtures.POD_ID);
    Container removing = c.withStatus(c.status().withPending(PendingOperation.REMOVING));
    assertThat(JsonCodec.CONTAINER.encode(removing)).isEqualTo(JsonCodec.CONTAINER.encode(c));
    assertThat(JsonCodec.CONTAINER.decode(JsonCodec.CONTAINER.encode(removing))).isEqualTo(c);
    PodSandbox p = Fixtures.pod();
    PodSandbox pRemoving = p.withStatus(p.status().withPending(PendingOperation.REMOVING));
    assertThat(new String(JsonCodec.POD_SANDBOX.encode(pRemoving), UTF_8))
        .doesNotContain("REMOVING")
        .doesNotContain("pending");
  }

  /** The format is frozen: a change to it must come with a new version (and these samples). */
  @Test
  void version1SamplesDecodeAndAreWhatEncodingWrites() throws IOException {
    byte[] pod = resource("pod-v1.json");
    byte[] container = resource("container-v1.json");
    assertThat(JsonCodec.POD_SANDBOX.decode(pod)).isEqualTo(Fixtures.pod());
    assertThat(JsonCodec.CONTAINER.decode(container)).isEqualTo(Fixtures.container());
    assertThat(new String(JsonCodec.POD_SANDBOX.encode(Fixtures.pod()), UTF_8))
        .isEqualTo(new String(pod, UTF_8));
    assertThat(new String(JsonCodec.CONTAINER.encode(Fixtures.container()), UTF_8))
        .isEqualTo(new String(container, UTF_8));
  }

  private static String sample() throws IOException {
    return new String(resource("pod-v1.json"), UTF_8);
  }

  private static RecordFormatException decodeError(String text) {
    try {
      JsonCodec.POD_SANDBOX.decode(text.getBytes(UTF_8));
    } catch (RecordFormatException e) {
      return e;
    }
    throw new AssertionError("decoded: " + text);
  }

  @Test
  void anotherVersionIsReportedAsUnknownVersion() throws IOException {
    RecordFormatException e = decodeError(sample().replace("\"version\" : 1", "\"version\" : 2"));
    assertThat(e.unknownVersion()).isTrue();
    assertThat(e).hasMessageContaining("format version 2");
  }

  @Test
  void brokenFilesAreCorrupt() throws IOException {
    String ok = sample();
    String[] broken = {
      "",
      "   ",
      "[]",
      "null",
      "{not json",
      ok.substring(0, ok.length() / 2),
      ok + " {}",
      ok.replace("\"version\" : 1", "\"version\" : \"1\""),
      ok.replace("\"version\" : 1,", ""),
      ok.replace("\"runtimeHandler\" : \"runc\",", ""),
      ok.replace("\"runtimeHandler\" : \"runc\"", "\"runtimeHandler\" : null"),
      ok.replace("\"hostname\" : \"web-host\"", "\"hostname\" : \"web-host\", \"extra\" : 1"),
      ok.replace("\"state\" : \"READY\"", "\"state\" : \"SLEEPY\""),
      ok.replace("\"createdAt\" : 1700000000000000000", "\"createdAt\" : null"),
      ok.replace("\"createdAt\" : 1700000000000000000", "\"createdAt\" : 0"),
      ok.replace("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1\",", "xyz\","),
      ok.replace("\"oomScoreAdj\" : -997", "\"oomScoreAdj\" : -5000"),
      ok.replace("\"labels\" : {", "\"labels\" : null, \"x\" : {"),
    };
    for (String text : broken) {
      RecordFormatException e = decodeError(text);
      assertThat(e.unknownVersion()).as(text).isFalse();
      assertThat(e.getMessage()).as(text).isNotBlank();
    }
  }

  @Test
  void corruptMessagesNameTheField() throws IOException {
    assertThat(decodeError(sample().replace("\"state\" : \"READY\"", "\"state\" : \"SLEEPY\"")))
        .hasMessageContaining("state")
        .hasMessageContaining("SLEEPY");
  }
}
