package io.tessera.storage.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.jna.LibcQuota;
import io.tessera.kernel.mount.MountInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class QuotaSupportTest {
  private static final long EXT4 = 0xef53L;

  private static final List<MountInfo> MOUNTS =
      MountInfo.parse(
          """
          22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw
          30 22 7:0 / /var/lib/tessera rw,relatime shared:9 - xfs /dev/loop0 rw,attr2,inode64,logbufs=8,logbsize=32k,prjquota
          31 22 7:1 / /srv/plain rw,relatime - xfs /dev/loop1 rw,attr2,inode64,noquota
          32 22 7:2 / /srv/acct rw,relatime - xfs /dev/loop2 rw,attr2,inode64,pqnoenforce
          33 22 7:3 / /srv/stacked rw - xfs /dev/loop3 rw,noquota
          34 22 7:4 / /srv/stacked rw - xfs /dev/loop4 rw,prjquota
          """);

  @Test
  void xfsWithPrjquotaYieldsItsDevice() {
    QuotaSupport.MountCheck c =
        QuotaSupport.checkMount(
            Path.of("/var/lib/tessera/snapshots"), LibcQuota.XFS_SUPER_MAGIC, MOUNTS);
    assertThat(c.reason()).isEmpty();
    assertThat(c.device()).contains(Path.of("/dev/loop0"));
    assertThat(c.deviceNumber()).isEqualTo("7:0");
  }

  @Test
  void anotherFileSystemTypeIsOffNamingIt() {
    QuotaSupport.MountCheck c = QuotaSupport.checkMount(Path.of("/tmp/x"), EXT4, MOUNTS);
    assertThat(c.reason().orElseThrow())
        .contains("/tmp/x is on ext4 (/dev/vda)")
        .contains("f_type 0xef53")
        .contains("not XFS");
  }

  @Test
  void xfsWithoutPrjquotaIsOffNamingTheOptions() {
    assertThat(
            QuotaSupport.checkMount(Path.of("/srv/plain/a"), LibcQuota.XFS_SUPER_MAGIC, MOUNTS)
                .reason()
                .orElseThrow())
        .contains("/dev/loop1 on /srv/plain is XFS mounted without prjquota")
        .contains("noquota");
  }

  @Test
  void accountingWithoutEnforcementIsOff() {
    assertThat(
            QuotaSupport.checkMount(Path.of("/srv/acct"), LibcQuota.XFS_SUPER_MAGIC, MOUNTS)
                .reason()
                .orElseThrow())
        .contains("pqnoenforce");
  }

  @Test
  void theLastOfStackedMountsIsTheOneThatCounts() {
    assertThat(QuotaSupport.mountOf(Path.of("/srv/stacked/x"), MOUNTS).orElseThrow().source())
        .isEqualTo("/dev/loop4");
    // A mount point that is only a string prefix does not contain the path.
    assertThat(QuotaSupport.mountOf(Path.of("/srv/plainer"), MOUNTS).orElseThrow().mountPoint())
        .isEqualTo("/");
  }

  @Test
  void valuesAreOnOrOffNeverBoth() {
    assertThat(QuotaSupport.on(Path.of("/dev/loop0")).describe())
        .isEqualTo("writable-layer quotas enabled on /dev/loop0");
    assertThat(QuotaSupport.off("why").describe()).isEqualTo("writable-layer quotas off: why");
    assertThat(QuotaSupport.off("why").enabled()).isFalse();
    assertThatThrownBy(() -> new QuotaSupport(Optional.of(Path.of("/dev/x")), "why"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new QuotaSupport(Optional.empty(), ""))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void loopIsEnabledWithoutADeviceAndAutoIsNeverAResult() {
    assertThat(QuotaSupport.loop().enabled()).isTrue();
    assertThat(QuotaSupport.loop().backend()).isEqualTo(QuotaBackend.LOOP);
    assertThat(QuotaSupport.loop().describe()).startsWith("writable-layer quotas enabled: loop");
    assertThat(QuotaSupport.on(Path.of("/dev/x")).backend()).isEqualTo(QuotaBackend.XFS);
    assertThatThrownBy(() -> new QuotaSupport(QuotaBackend.LOOP, Optional.of(Path.of("/x")), ""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new QuotaSupport(QuotaBackend.AUTO, Optional.empty(), "why"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
