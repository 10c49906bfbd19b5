package io.tessera.sandbox.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.InvalidArgumentException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootfsFilesTest {
  @TempDir Path tmp;

  @Test
  void readsAFileInsideTheRootfs() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("root/etc"));
    Files.writeString(root.resolve("passwd"), "root:x:0:0::/:/bin/sh\n");
    assertThat(RootfsFiles.read(tmp.resolve("root"), "/etc/passwd"))
        .contains("root:x:0:0::/:/bin/sh\n");
    assertThat(RootfsFiles.read(tmp.resolve("root"), "/etc/group")).isEmpty();
  }

  @Test
  void absoluteSymlinksResolveInsideTheRootfsNotOnTheHost() throws Exception {
    Path root = tmp.resolve("root");
    Files.createDirectories(root.resolve("etc"));
    Files.createDirectories(root.resolve("usr/lib"));
    Files.writeString(root.resolve("usr/lib/passwd"), "image\n");
    // On the host this would be the host's own /etc/passwd.
    Files.createSymbolicLink(root.resolve("etc/passwd"), Path.of("/usr/lib/passwd"));
    assertThat(RootfsFiles.read(root, "/etc/passwd")).contains("image\n");
  }

  @Test
  void refusesSymlinksThatEscapeTheRootfs() throws Exception {
    Path root = tmp.resolve("root");
    Files.createDirectories(root.resolve("etc"));
    Files.writeString(tmp.resolve("secret"), "host secret\n");
    Files.createSymbolicLink(root.resolve("etc/passwd"), Path.of("../../secret"));
    assertThatThrownBy(() -> RootfsFiles.read(root, "/etc/passwd"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("outside the rootfs");
  }

  @Test
  void refusesSymlinkLoops() throws Exception {
    Path root = tmp.resolve("root");
    Files.createDirectories(root.resolve("etc"));
    Files.createSymbolicLink(root.resolve("etc/passwd"), Path.of("passwd"));
    assertThatThrownBy(() -> RootfsFiles.read(root, "/etc/passwd"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("too many symlinks");
  }
}
