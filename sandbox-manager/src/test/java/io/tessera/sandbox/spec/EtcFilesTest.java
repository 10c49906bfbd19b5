package io.tessera.sandbox.spec;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.sandbox.spec.EtcFiles.GroupEntry;
import io.tessera.sandbox.spec.EtcFiles.PasswdEntry;
import java.util.List;
import org.junit.jupiter.api.Test;

class EtcFilesTest {
  @Test
  void parsesPasswdSkippingCommentsAndMalformedLines() {
    String passwd =
        "root:x:0:0:root:/root:/bin/sh\n"
            + "# comment\n"
            + "\n"
            + "broken:x:abc:0::/:/bin/sh\n"
            + "short:x:5\n"
            + "app:x:1000:1001:App:/home/app:/bin/sh\n"
            + "min:x:7:8";
    assertThat(EtcFiles.parsePasswd(passwd))
        .containsExactly(
            new PasswdEntry("root", 0, 0, "/root"),
            new PasswdEntry("app", 1000, 1001, "/home/app"),
            new PasswdEntry("min", 7, 8, ""));
  }

  @Test
  void parsesGroupMembers() {
    String group = "root:x:0:\nwheel:x:10:root, app\nbad:x:-1:app\ndocker:x:999:app\nnomembers:x:5";
    assertThat(EtcFiles.parseGroup(group))
        .containsExactly(
            new GroupEntry("root", 0, List.of()),
            new GroupEntry("wheel", 10, List.of("root", "app")),
            new GroupEntry("docker", 999, List.of("app")),
            new GroupEntry("nomembers", 5, List.of()));
  }

  @Test
  void idsAreUint32() {
    assertThat(EtcFiles.id("4294967295")).isEqualTo(4294967295L);
    assertThat(EtcFiles.id("4294967296")).isNull();
    assertThat(EtcFiles.id("")).isNull();
    assertThat(EtcFiles.id("1e3")).isNull();
  }
}
