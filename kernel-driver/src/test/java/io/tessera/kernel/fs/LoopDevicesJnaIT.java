package io.tessera.kernel.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoopDevicesJnaIT {
  @TempDir Path dir;

  private final LoopDevices loops = new LoopDevicesJna();

  @Test
  void controlDeviceIsUsable() {
    assertThat(loops.unusableReason()).isEmpty();
  }

  @Test
  void attachBindsTheFileWithAutoclearAndClosingFreesTheDevice() throws IOException {
    Path image = dir.resolve("img");
    try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
      f.setLength(4L << 20);
    }
    Path sys;
    try (LoopDevices.Attached attached = loops.attach(image)) {
      assertThat(attached.device().toString()).startsWith("/dev/loop");
      sys = Path.of("/sys/block", attached.device().getFileName().toString(), "loop");
      assertThat(Files.readString(sys.resolve("backing_file")).trim())
          .isEqualTo(image.toRealPath().toString());
      assertThat(Files.readString(sys.resolve("autoclear")).trim()).isEqualTo("1");
    }
    // Autoclear: the last close unbinds the device (its loop/ sysfs dir goes with the binding).
    await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(sys.resolve("backing_file")));
  }

  @Test
  void aMissingFileIsRefusedWithItsName() {
    Path missing = dir.resolve("missing");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> loops.attach(missing))
        .hasMessageContaining(missing.toString());
  }
}
