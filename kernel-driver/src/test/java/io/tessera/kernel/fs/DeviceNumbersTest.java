package io.tessera.kernel.fs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeviceNumbersTest {

  @Test
  void encodesSmallNumbersLikeTheClassicLayout() {
    // /dev/null is 1:3, classically 0x0103.
    assertThat(DeviceNumbers.makedev(1, 3)).isEqualTo(0x0103L);
    assertThat(DeviceNumbers.makedev(0, 0)).isZero();
  }

  @Test
  void roundTripsLargeNumbers() {
    long dev = DeviceNumbers.makedev(0xabcde, 0x123456);
    assertThat(DeviceNumbers.major(dev)).isEqualTo(0xabcde);
    assertThat(DeviceNumbers.minor(dev)).isEqualTo(0x123456);
    // glibc: major bits 8..19 low part, minor 0..7 and 20..31, high parts above 32.
    assertThat(DeviceNumbers.makedev(0x1000, 0)).isEqualTo(0x1L << 44);
    assertThat(DeviceNumbers.makedev(0, 0x100)).isEqualTo(0x100000L);
  }
}
