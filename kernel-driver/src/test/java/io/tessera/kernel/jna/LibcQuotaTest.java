package io.tessera.kernel.jna;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Memory;
import org.junit.jupiter.api.Test;

/** The struct and command encodings, checked against the values the uapi headers produce. */
class LibcQuotaTest {

  @Test
  void ioctlNumbersAreThoseOfLinuxFsH() {
    // _IOR('X', 31, struct fsxattr) and _IOW('X', 32, struct fsxattr) with sizeof = 28.
    assertThat(LibcQuota.FS_IOC_FSGETXATTR).isEqualTo(0x801c581fL);
    assertThat(LibcQuota.FS_IOC_FSSETXATTR).isEqualTo(0x401c5820L);
  }

  @Test
  void quotactlCommandsCarryTheProjectType() {
    assertThat(LibcQuota.qcmd(LibcQuota.Q_XGETQUOTA, LibcQuota.PRJQUOTA)).isEqualTo(0x580302);
    assertThat(LibcQuota.qcmd(LibcQuota.Q_XSETQLIM, LibcQuota.PRJQUOTA)).isEqualTo(0x580402);
  }

  @Test
  void projectEncodingKeepsOtherFlagsAndSetsTheIdAtItsOffset() {
    Memory fsx = new Memory(LibcQuota.FSXATTR_SIZE);
    fsx.clear();
    fsx.setInt(0, 0x8); // FS_XFLAG_APPEND, must survive
    fsx.setInt(4, 77); // extsize, untouched
    LibcQuota.encodeProject(fsx, 100042, true);
    assertThat(fsx.getInt(0)).isEqualTo(0x8 | 0x200);
    assertThat(fsx.getInt(4)).isEqualTo(77);
    assertThat(fsx.getInt(12)).isEqualTo(100042);
    assertThat(LibcQuota.decodeFsxattr(fsx)).isEqualTo(new LibcQuota.Fsxattr(0x208, 100042));

    LibcQuota.encodeProject(fsx, 0, false);
    assertThat(LibcQuota.decodeFsxattr(fsx)).isEqualTo(new LibcQuota.Fsxattr(0x8, 0));
  }

  @Test
  void limitsEncodingFillsFsDiskQuotaFields() {
    Memory dq = new Memory(LibcQuota.DQUOT_SIZE);
    dq.setLong(40, 99); // garbage in d_bcount is cleared
    LibcQuota.encodeLimits(dq, 100001, 40960, 0, 500, 0);
    assertThat(dq.getByte(0)).isEqualTo((byte) 1); // FS_DQUOT_VERSION
    assertThat(dq.getByte(1)).isEqualTo((byte) 2); // FS_PROJ_QUOTA
    assertThat(dq.getShort(2)).isEqualTo((short) 0xf); // ISOFT | IHARD | BSOFT | BHARD
    assertThat(dq.getInt(4)).isEqualTo(100001);
    assertThat(dq.getLong(8)).isEqualTo(40960);
    assertThat(dq.getLong(16)).isZero();
    assertThat(dq.getLong(24)).isEqualTo(500);
    assertThat(dq.getLong(32)).isZero();
    assertThat(dq.getLong(40)).isZero();
  }

  @Test
  void quotaDecodingReadsLimitsAndCounts() {
    Memory dq = new Memory(LibcQuota.DQUOT_SIZE);
    dq.clear();
    dq.setLong(8, 2048);
    dq.setLong(24, 10);
    dq.setLong(40, 1024);
    dq.setLong(48, 3);
    assertThat(LibcQuota.decodeQuota(dq))
        .isEqualTo(new LibcQuota.DiskQuota(2048, 0, 10, 0, 1024, 3));
  }
}
