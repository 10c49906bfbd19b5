package io.tessera.storage.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.UnimplementedException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CompressionTest {

  private static final byte[] DATA = "layer bytes ".repeat(1000).getBytes(StandardCharsets.UTF_8);

  @Test
  void mapsLayerMediaTypes() {
    assertThat(Compression.fromMediaType("application/vnd.oci.image.layer.v1.tar"))
        .isEqualTo(Compression.NONE);
    assertThat(Compression.fromMediaType("application/vnd.oci.image.layer.v1.tar+gzip"))
        .isEqualTo(Compression.GZIP);
    assertThat(Compression.fromMediaType("application/vnd.oci.image.layer.v1.tar+zstd"))
        .isEqualTo(Compression.ZSTD);
    assertThat(Compression.fromMediaType("application/vnd.docker.image.rootfs.diff.tar.gzip"))
        .isEqualTo(Compression.GZIP);
    assertThat(
            Compression.fromMediaType("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"))
        .isEqualTo(Compression.GZIP);
    assertThat(
            Compression.fromMediaType(
                "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd"))
        .isEqualTo(Compression.ZSTD);
    assertThatThrownBy(
            () -> Compression.fromMediaType("application/vnd.oci.image.layer.v1.tar+encrypted"))
        .isInstanceOf(UnimplementedException.class)
        .hasMessageContaining("tar+encrypted");
  }

  @Test
  void detectsByMagicBytes() {
    assertThat(Compression.detect(TarBuilder.gzip(DATA))).isEqualTo(Compression.GZIP);
    assertThat(Compression.detect(TarBuilder.zstd(DATA))).isEqualTo(Compression.ZSTD);
    assertThat(Compression.detect(new byte[] {0x50, 0x2a, 0x4d, 0x18})).isEqualTo(Compression.ZSTD);
    assertThat(Compression.detect(DATA)).isEqualTo(Compression.NONE);
    assertThat(Compression.detect(new byte[0])).isEqualTo(Compression.NONE);
  }

  @Test
  void gzipReadsEveryMemberEvenWhenTheSourceReportsNothingAvailable() throws IOException {
    ByteArrayOutputStream two = new ByteArrayOutputStream();
    two.writeBytes(TarBuilder.gzip(Arrays.copyOf(DATA, 5000)));
    two.writeBytes(TarBuilder.gzip(Arrays.copyOfRange(DATA, 5000, DATA.length)));
    InputStream stingy =
        new FilterInputStream(new ByteArrayInputStream(two.toByteArray())) {
          @Override
          public int available() {
            return 0;
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, 100)); // like a slow socket
          }
        };
    try (InputStream in = Compression.GZIP.decompress(stingy)) {
      assertThat(in.readAllBytes()).isEqualTo(DATA);
    }
  }

  @Test
  void zstdRoundTripsThroughTheNativeLibrary() throws IOException {
    try (InputStream in =
        Compression.ZSTD.decompress(new ByteArrayInputStream(TarBuilder.zstd(DATA)))) {
      assertThat(in.readAllBytes()).isEqualTo(DATA);
    }
  }

  @Test
  void noneIsTheIdentity() throws IOException {
    assertThat(Compression.NONE.decompress(new ByteArrayInputStream(DATA)).readAllBytes())
        .isEqualTo(DATA);
  }

  @Test
  void wrongFormatIsAnInvalidArgument() {
    assertThatThrownBy(() -> Compression.GZIP.decompress(new ByteArrayInputStream(DATA)))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("gzip");
  }
}
