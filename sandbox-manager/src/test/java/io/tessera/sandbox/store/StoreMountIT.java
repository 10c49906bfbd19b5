package io.tessera.sandbox.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.mount.MountInfo;
import io.tessera.sandbox.ids.Ids;
import io.tessera.sandbox.model.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deleting must never reach through a mount: needs root and the mount/umount binaries, like the CI.
 */
class StoreMountIT {
  @TempDir Path root;
  private final List<Path> mounted = new ArrayList<>();

  private static void run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), UTF_8);
    int code = p.waitFor();
    if (code != 0) {
      throw new IOException(String.join(" ", command) + " exited " + code + ": " + output);
    }
  }

  private void mountTmpfs(Path at) throws Exception {
    Files.createDirectories(at);
    run("mount", "-t", "tmpfs", "-o", "size=1m", "tessera-test", at.toString());
    mounted.add(at);
    Files.writeString(at.resolve("precious"), "keep me");
  }

  private void unmount(Path at) throws Exception {
    run("umount", at.toString());
    mounted.remove(at);
  }

  @AfterEach
  void unmountLeftovers() throws Exception {
    for (Path p : new ArrayList<>(mounted)) {
      run("umount", "-l", p.toString());
    }
    String prefix = root.toRealPath().toString();
    assertThat(MountInfo.current()).noneMatch(m -> m.mountPoint().startsWith(prefix));
  }

  @Test
  void deleteRefusesWhileSomethingIsMountedInsideAndWorksAfterwards() throws Exception {
    StoreLayout layout = new StoreLayout(root);
    ContainerStore store = new ContainerStore(layout);
    store.load();
    String id = Ids.random();
    store.add(Fixtures.container(id, Fixtures.POD_ID, "app", 1));
    Path rootfs = layout.containerDir(id).resolve("rootfs");
    mountTmpfs(rootfs);

    assertThatThrownBy(() -> store.delete(id))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining("rootfs")
        .hasMessageContaining("mounted");
    assertThat(store.find(id)).isPresent();
    assertThat(rootfs.resolve("precious")).hasContent("keep me");
    assertThat(layout.containerFile(id)).exists();

    unmount(rootfs);
    assertThat(store.delete(id)).isTrue();
    assertThat(layout.containerDir(id)).doesNotExist();
  }

  @Test
  void anInterruptedDeleteWithAMountInsideIsReportedAndKeptUntilUnmounted() throws Exception {
    StoreLayout layout = new StoreLayout(root);
    String id = Ids.random();
    Path trash = layout.podsDir().resolve(".del-" + id + "-0000");
    Path shm = trash.resolve("shm");
    mountTmpfs(shm);

    PodSandboxStore store = new PodSandboxStore(layout);
    LoadReport report = store.load();
    assertThat(report.problems()).hasSize(1);
    LoadProblem p = report.problems().get(0);
    assertThat(p.reason()).isEqualTo(LoadProblem.Reason.UNFINISHED_DELETE);
    assertThat(p.id()).contains(id);
    assertThat(shm.resolve("precious")).hasContent("keep me");

    assertThatThrownBy(() -> store.discard(p)).isInstanceOf(FailedPreconditionException.class);
    assertThat(shm.resolve("precious")).hasContent("keep me");

    unmount(shm);
    store.discard(p);
    assertThat(trash).doesNotExist();
  }
}
