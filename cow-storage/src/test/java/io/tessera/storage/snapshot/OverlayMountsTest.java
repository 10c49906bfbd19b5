package io.tessera.storage.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.InvalidArgumentException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OverlayMountsTest {

  private static final Path LAYERS = Path.of("/var/lib/tessera/layers");
  private static final Path UPPER = Path.of("/var/lib/tessera/snapshots/c1/fs");
  private static final Path WORK = Path.of("/var/lib/tessera/snapshots/c1/work");

  private static List<Path> layers(int count, int nameLength) {
    List<Path> result = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String name = String.format("%0" + nameLength + "d", i);
      result.add(LAYERS.resolve("sha256").resolve(name).resolve("diff"));
    }
    return result;
  }

  private static OverlayMounts.Plan plan(List<Path> lowers) {
    return OverlayMounts.plan(lowers, UPPER, WORK, LAYERS, LayerLinks::relative);
  }

  @Test
  void fewLayersUseAbsolutePathsTopmostFirst() {
    List<Path> lowers = layers(3, 64);
    OverlayMounts.Plan plan = plan(lowers);

    assertThat(plan.workingDir()).isEmpty();
    assertThat(plan.mount().type()).isEqualTo("overlay");
    assertThat(plan.mount().options())
        .containsExactly(
            "lowerdir=" + lowers.get(2) + ":" + lowers.get(1) + ":" + lowers.get(0),
            "upperdir=" + UPPER,
            "workdir=" + WORK);
  }

  @Test
  void manyLongLayersUseShortLinksRelativeToTheLayersDirectory() {
    List<Path> lowers = layers(130, 60);
    OverlayMounts.Plan plan = plan(lowers);

    assertThat(plan.workingDir()).contains(LAYERS);
    List<String> options = plan.mount().options();
    assertThat(options).hasSize(3);
    String[] entries = options.get(0).substring("lowerdir=".length()).split(":");
    assertThat(entries).hasSize(130);
    assertThat(entries[0]).isEqualTo("l/" + LayerLinks.id(lowers.get(129)));
    assertThat(entries[129]).isEqualTo("l/" + LayerLinks.id(lowers.get(0)));
    for (String entry : entries) {
      assertThat(entry).matches("l/[0-9a-f]{26}");
    }
    assertThat(options.subList(1, 3)).containsExactly("upperdir=" + UPPER, "workdir=" + WORK);
    assertThat(OverlayMounts.dataBytes(plan.mount())).isLessThanOrEqualTo(4095);
  }

  @Test
  void switchesExactlyAboveTheLimit() {
    // Grow one layer's name until the absolute form crosses the limit by one byte.
    String prefix = "lowerdir=";
    String suffix = ",upperdir=" + UPPER + ",workdir=" + WORK;
    int fixed = prefix.length() + suffix.length() + "/".length() + "/x".length();
    Path atLimit = Path.of("/" + "a".repeat(OverlayMounts.ABSOLUTE_LIMIT - fixed), "x");
    Path overLimit = Path.of("/" + "a".repeat(OverlayMounts.ABSOLUTE_LIMIT - fixed + 1), "x");

    OverlayMounts.Plan fits = plan(List.of(atLimit));
    assertThat(OverlayMounts.dataBytes(fits.mount())).isEqualTo(OverlayMounts.ABSOLUTE_LIMIT);
    assertThat(fits.workingDir()).isEmpty();

    OverlayMounts.Plan shortened = plan(List.of(overLimit));
    assertThat(shortened.workingDir()).contains(LAYERS);
    assertThat(shortened.mount().options().get(0))
        .isEqualTo("lowerdir=l/" + LayerLinks.id(overLimit));
  }

  @Test
  void refusesWhatDoesNotFitEvenWithShortLinks() {
    // 29 bytes per short layer entry: 140 of them exceed a page.
    assertThatThrownBy(() -> plan(layers(140, 60)))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("140 layers")
        .hasMessageContaining("4095");
  }

  @Test
  void linkIdsAreStableAndDistinct() {
    Path a = Path.of("/var/lib/tessera/layers/sha256/aa/diff");
    Path b = Path.of("/var/lib/tessera/layers/sha256/ab/diff");
    assertThat(LayerLinks.id(a)).hasSize(26).isEqualTo(LayerLinks.id(Path.of(a.toString())));
    assertThat(LayerLinks.id(a)).isNotEqualTo(LayerLinks.id(b));
    assertThat(LayerLinks.relative(a)).isEqualTo(Path.of("l", LayerLinks.id(a)));
  }
}
