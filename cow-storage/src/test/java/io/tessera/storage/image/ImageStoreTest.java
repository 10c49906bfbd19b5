package io.tessera.storage.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.storage.ref.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageStoreTest {
  @TempDir Path dir;
  private final Map<Digest, byte[]> blobs = new HashMap<>();

  private static final String REPO = "registry.example:5000/app";

  private ImageRecord image(String tag, String configUser) {
    Digest diff = Digest.sha256Of(("layer-" + configUser).getBytes(StandardCharsets.UTF_8));
    byte[] config =
        ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"User\":\""
                + configUser
                + "\"},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                + diff
                + "\"]}}")
            .getBytes(StandardCharsets.UTF_8);
    Digest id = Digest.sha256Of(config);
    blobs.put(id, config);
    Digest manifest = Digest.sha256Of(("manifest-" + configUser).getBytes(StandardCharsets.UTF_8));
    return new ImageRecord(
        id,
        List.of(REPO + ":" + tag),
        List.of(REPO + "@" + manifest),
        Set.of(manifest),
        List.of(
            new ImageRecord.Layer(
                Digest.sha256Of(("blob-" + configUser).getBytes(StandardCharsets.UTF_8)),
                "application/vnd.oci.image.layer.v1.tar+gzip",
                123,
                diff,
                diff)),
        ImageConfigTranslator.parse(config),
        false);
  }

  private ImageStore open() {
    return ImageStore.open(dir, d -> Optional.ofNullable(blobs.get(d)));
  }

  @Test
  void findsByIdHexTagAndDigest() {
    ImageStore store = open();
    ImageRecord r = store.add(image("1.0", "1000:100"));
    assertThat(store.find(r.id().toString())).contains(r);
    assertThat(store.find(r.id().hex())).contains(r);
    assertThat(store.find(REPO + ":1.0")).contains(r);
    assertThat(store.find(r.repoDigests().get(0))).contains(r);
    assertThat(store.find(REPO + ":2.0")).isEmpty();
    assertThat(r.config().uid()).hasValue(1000);
    assertThat(r.config().username()).isEmpty();
  }

  @Test
  void normalisesDockerHubNames() {
    ImageStore store = open();
    ImageRecord hub =
        image("x", "nobody")
            .withNames(List.of("docker.io/library/busybox:latest"), List.of(), Set.of());
    store.add(hub);
    assertThat(store.find("busybox")).isPresent();
    assertThat(store.find("busybox").get().config().username()).hasValue("nobody");
  }

  @Test
  void retaggingMovesTheTag() {
    ImageStore store = open();
    ImageRecord a = store.add(image("latest", "1"));
    ImageRecord b = store.add(image("latest", "2"));
    assertThat(store.find(REPO + ":latest")).map(ImageRecord::id).contains(b.id());
    assertThat(store.get(a.id()).orElseThrow().repoTags()).isEmpty();
  }

  @Test
  void untagKeepsImageUntilItsLastTag() {
    ImageStore store = open();
    ImageRecord r = store.add(image("1.0", "1"));
    store.add(
        new ImageRecord(
            r.id(), List.of(REPO + ":stable"), List.of(), Set.of(), r.layers(), r.config(), false));
    assertThat(store.untag(r, REPO + ":1.0")).isPresent();
    assertThat(store.find(REPO + ":stable")).isPresent();
    assertThat(store.untag(r, REPO + ":stable")).isEmpty();
    assertThat(store.list()).isEmpty();
  }

  @Test
  void survivesReopenAndDropsBrokenRecords() throws Exception {
    ImageStore store = open();
    ImageRecord r = store.add(image("1.0", "1"));
    Files.writeString(dir.resolve("f".repeat(64) + ".json"), "{not json");
    Files.writeString(dir.resolve(".x.json.tmp-1"), "partial");

    ImageStore reopened = open();
    assertThat(reopened.list()).containsExactly(r);
    assertThat(dir.resolve("f".repeat(64) + ".json")).doesNotExist();
    assertThat(dir.resolve(".x.json.tmp-1")).doesNotExist();
  }

  @Test
  void recordWhoseConfigIsGoneIsDropped() {
    ImageStore store = open();
    ImageRecord r = store.add(image("1.0", "1"));
    blobs.remove(r.id());
    assertThat(open().list()).isEmpty();
  }

  @Test
  void referencedContentCoversManifestsConfigsAndLayers() {
    ImageStore store = open();
    ImageRecord r = store.add(image("1.0", "1"));
    assertThat(store.referencedBlobs())
        .contains(r.id(), r.layers().get(0).blob())
        .containsAll(r.manifestDigests());
    assertThat(store.referencedChainIds()).containsExactly(r.topChainId());
  }
}
