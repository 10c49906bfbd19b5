package io.tessera.kernel.jna;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Memory;
import org.junit.jupiter.api.Test;

class LibcLoopTest {

  @Test
  void structSizesAreThoseOfTheUapiHeader() {
    // loop_info64: 5 x u64, 4 x u32, 64 + 64 + 32 bytes of names and key, 2 x u64.
    assertThat(LibcLoop.LOOP_INFO64_SIZE).isEqualTo(5 * 8 + 4 * 4 + 64 + 64 + 32 + 2 * 8);
    // loop_config: fd, block_size, the info, 8 x u64 reserved.
    assertThat(LibcLoop.LOOP_CONFIG_SIZE).isEqualTo(4 + 4 + LibcLoop.LOOP_INFO64_SIZE + 8 * 8);
    // lo_flags follows lo_device, lo_inode, lo_rdevice, lo_offset, lo_sizelimit, lo_number,
    // lo_encrypt_type and lo_encrypt_key_size.
    assertThat(LibcLoop.LO_FLAGS_OFFSET).isEqualTo(5 * 8 + 3 * 4);
  }

  @Test
  void requestNumbersAreThoseOfLinuxLoopH() {
    assertThat(LibcLoop.LOOP_SET_FD).isEqualTo(0x4C00);
    assertThat(LibcLoop.LOOP_CLR_FD).isEqualTo(0x4C01);
    assertThat(LibcLoop.LOOP_SET_STATUS64).isEqualTo(0x4C04);
    assertThat(LibcLoop.LOOP_CONFIGURE).isEqualTo(0x4C0A);
    assertThat(LibcLoop.LOOP_CTL_GET_FREE).isEqualTo(0x4C82);
    assertThat(LibcLoop.LO_FLAGS_AUTOCLEAR).isEqualTo(4);
  }

  @Test
  void configNamesTheBackingFdAndAutoclearOnly() {
    Memory config = new Memory(LibcLoop.LOOP_CONFIG_SIZE);
    config.setInt(100, 0x7777); // stale bytes must be cleared
    LibcLoop.encodeConfig(config, 42);

    assertThat(config.getInt(0)).isEqualTo(42);
    assertThat(config.getInt(4)).as("block_size: the default").isZero();
    assertThat(config.getInt(8 + 52)).isEqualTo(4);
    assertThat(config.getInt(100)).isZero();
    byte[] rest = config.getByteArray(8 + 56, LibcLoop.LOOP_CONFIG_SIZE - 8 - 56);
    assertThat(rest).containsOnly(0);
  }
}
