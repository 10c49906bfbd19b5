package io.tessera.kernel.ns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.AlreadyExistsException;
import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.NotFoundException;
import io.tessera.kernel.jna.LibcNet;
import io.tessera.kernel.mount.MountInfo;
import io.tessera.kernel.proc.Leaks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NamespacePinnerIT {

  @TempDir Path tmp;

  private final NamespacePinner pinner = new NamespacePinnerJna();

  @AfterEach
  void nothingLeftMounted() {
    assertThat(Leaks.mountsUnder(tmp)).isEmpty();
  }

  private static long inode(Path file) throws IOException {
    return (Long) Files.getAttribute(file, "unix:ino");
  }

  @Test
  void pinsNewNamespacesWithHostnameAndLoopbackUp() throws Exception {
    Path dir = tmp.resolve("pod/ns");
    PinnedNamespaces pins =
        pinner.pin(dir, EnumSet.of(NsType.NET, NsType.IPC, NsType.UTS), "pinned-pod");
    try {
      assertThat(pins.dir()).isEqualTo(dir);
      assertThat(pins.path(NsType.NET)).contains(dir.resolve("net"));
      for (NsType type : pins.types()) {
        Path file = pins.path(type).orElseThrow();
        assertThat(MountInfo.current())
            .anySatisfy(
                m -> {
                  assertThat(m.mountPoint()).isEqualTo(file.toString());
                  assertThat(m.fsType()).isEqualTo("nsfs");
                });
        long self = inode(type.procPath(ProcessHandle.current().pid()));
        assertThat(inode(file)).as("a new %s namespace", type).isNotEqualTo(self);
      }

      Path net = pins.path(NsType.NET).orElseThrow();
      long[] seen =
          pinner.callInNamespace(
              net,
              NsType.NET,
              () ->
                  new long[] {
                    inode(Path.of("/proc/thread-self/ns/net")), LibcNet.interfaceFlags("lo")
                  });
      assertThat(seen[0]).isEqualTo(inode(net));
      assertThat(seen[1] & LibcNet.IFF_UP).as("lo is up").isEqualTo(LibcNet.IFF_UP);

      // /proc/sys/kernel/hostname shows the UTS namespace of the reading thread.
      String hostname =
          pinner.callInNamespace(
              pins.path(NsType.UTS).orElseThrow(),
              NsType.UTS,
              () -> Files.readString(Path.of("/proc/sys/kernel/hostname")).trim());
      assertThat(hostname).isEqualTo("pinned-pod");
      assertThat(Files.readString(Path.of("/proc/sys/kernel/hostname")).trim())
          .as("the daemon's own hostname is untouched")
          .isNotEqualTo("pinned-pod");
      assertThat(inode(Path.of("/proc/thread-self/ns/net")))
          .as("the calling thread stays in the host namespace")
          .isNotEqualTo(inode(net));
    } finally {
      pinner.unpin(pins);
    }
    assertThat(Files.exists(dir)).isFalse();
    pinner.unpin(pins); // idempotent
  }

  @Test
  void pinsOnlyWhatIsAsked() {
    PinnedNamespaces pins = pinner.pin(tmp.resolve("n"), Set.of(NsType.NET), null);
    try {
      assertThat(pins.types()).containsExactly(NsType.NET);
      try (var files = Files.list(pins.dir())) {
        assertThat(files).containsExactly(pins.dir().resolve("net"));
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    } finally {
      pinner.unpin(pins);
    }
  }

  @Test
  void refusesExistingPinsAndBadArguments() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("taken"));
    Files.createFile(dir.resolve("uts"));
    assertThatThrownBy(() -> pinner.pin(dir, Set.of(NsType.NET, NsType.UTS), "h"))
        .isInstanceOf(AlreadyExistsException.class);
    assertThat(dir.resolve("net")).doesNotExist();
    assertThatThrownBy(() -> pinner.pin(tmp.resolve("x"), Set.of(NsType.UTS), null))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> pinner.pin(tmp.resolve("x"), Set.of(NsType.UTS), "h".repeat(65)))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> pinner.pin(tmp.resolve("x"), Set.of(NsType.PID), null))
        .isInstanceOf(InvalidArgumentException.class);
    assertThat(tmp.resolve("x")).doesNotExist();
  }

  @Test
  void unpinOfSomethingNeverPinnedIsFine() {
    pinner.unpin(PinnedNamespaces.inDirectory(tmp.resolve("never"), EnumSet.allOf(NsType.class)));
  }

  @Test
  void taskFailuresAndMissingNamespacesAreReported() {
    PinnedNamespaces pins = pinner.pin(tmp.resolve("n"), Set.of(NsType.IPC), null);
    try {
      Path ipc = pins.path(NsType.IPC).orElseThrow();
      assertThatThrownBy(
              () ->
                  pinner.callInNamespace(
                      ipc,
                      NsType.IPC,
                      () -> {
                        throw new IOException("task broke");
                      }))
          .isInstanceOf(InternalException.class)
          .hasRootCauseMessage("task broke");
      assertThatThrownBy(
              () ->
                  pinner.callInNamespace(
                      ipc,
                      NsType.IPC,
                      () -> {
                        throw new IllegalStateException("unchecked");
                      }))
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> pinner.callInNamespace(ipc, NsType.NET, () -> 1))
          .as("an ipc namespace is not a network namespace")
          .isInstanceOf(InternalException.class);
    } finally {
      pinner.unpin(pins);
    }
    assertThatThrownBy(() -> pinner.callInNamespace(tmp.resolve("gone"), NsType.NET, () -> 1))
        .isInstanceOf(NotFoundException.class);
  }
}
