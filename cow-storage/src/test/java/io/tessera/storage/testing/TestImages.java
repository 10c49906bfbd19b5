package io.tessera.storage.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.kernel.fs.FileOps;
import io.tessera.kernel.fs.FileOps.NodeType;
import io.tessera.kernel.fs.FileOpsJna;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Builds small real OCI images from Debian's busybox-static with umoci, for tests in this module
 * and (through the test-jar) e2e. Needs root, {@code umoci} and {@code /bin/busybox}; fails when
 * they are missing. Each call builds into a directory the caller owns and removes.
 *
 * <p>{@link #busybox(Path)} has four layers, each exercising what a layer unpacker must get right:
 *
 * <ol>
 *   <li>a busybox root file system: {@code /bin/busybox}, applet symlinks ({@value #APPLETS}),
 *       {@code /etc/passwd}, {@code /etc/group}, {@code /etc/motd}, {@code /etc/hostname}, {@code
 *       /tmp} (1777), {@code /root} (0700), {@code /home/user} (1000:1000), {@code
 *       /opq/{a,b,sub/c}}, {@code /olddir/{x,y}};
 *   <li>changes made in an umoci bundle: setuid {@code /bin/suidtool} with a {@code
 *       security.capability} xattr and a hard link {@code /bin/suidtool-link}, a hard link {@code
 *       /bin/busybox-hl} to busybox, symlinks {@code /etc/pw -> /etc/passwd}, {@code /etc/rel ->
 *       ../bin/busybox}, {@code /dangling -> /nonexistent}, a device {@code /dev/null} (1:3), a
 *       FIFO {@code /run/fifo}, a setgid directory {@code /srv} (2775, gid 50), {@code
 *       /home/user/data} owned 1000:1000 with a {@code user.note} xattr, a new {@code
 *       /etc/hostname}; {@code /etc/motd} and {@code /olddir} deleted (whiteouts);
 *   <li>a hand-made layer added with {@code umoci raw add-layer}: {@code /opq} made opaque ({@code
 *       .wh..wh..opq}) with a new {@code /opq/fresh}, and a whiteout of {@code /etc/hostname};
 *   <li>changes again: {@code /opq/after} added, {@code /etc/passwd} chmod 0600.
 * </ol>
 *
 * The image config runs {@code /bin/sh} with {@code PATH=/bin}.
 */
public final class TestImages {

  /** The applets linked to busybox in layer 1. */
  public static final String APPLETS =
      "sh ls cat sleep echo true false id stat readlink env ps mkdir rm touch printf test wc grep"
          + " head tail tr hostname mount umount";

  /** A capability set (v2, cap_net_bind_service + cap_setuid permitted, effective). */
  public static final byte[] CAPABILITY = {
    1, 0, 0, 2, (byte) 0x80, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
  };

  private static final Path BUSYBOX = Path.of("/bin/busybox");
  private static final Instant CRAFTED_TIME = Instant.parse("2024-01-02T03:04:05Z");

  private TestImages() {}

  /**
   * Builds the four-layer busybox image into {@code workDir/layout} tagged {@code latest}. {@code
   * workDir} must exist; scratch bundles are made and removed inside it.
   */
  public static TestImage busybox(Path workDir) {
    FileOps ops = new FileOpsJna();
    Path layout = workDir.resolve("layout");
    String image = layout + ":latest";
    try {
      Umoci.umoci("init", "--layout", layout.toString());
      Umoci.umoci("new", "--image", image);
      Umoci.umoci(
          "config",
          "--image",
          image,
          "--config.cmd",
          "/bin/sh",
          "--config.env",
          "PATH=/bin",
          "--history.created_by",
          "tessera TestImages");

      change(
          workDir,
          image,
          "rootfs",
          rootfs -> {
            Path bin = Files.createDirectories(rootfs.resolve("bin"));
            Files.copy(BUSYBOX, bin.resolve("busybox"));
            ops.chmod(bin.resolve("busybox"), 0755);
            for (String applet : APPLETS.split(" ")) {
              Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
            }
            Path etc = Files.createDirectories(rootfs.resolve("etc"));
            Files.writeString(
                etc.resolve("passwd"),
                "root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\n"
                    + "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n");
            Files.writeString(
                etc.resolve("group"), "root:x:0:\nstaff:x:50:\nuser:x:1000:\nnogroup:x:65534:\n");
            Files.writeString(etc.resolve("motd"), "welcome\n");
            Files.writeString(etc.resolve("hostname"), "busybox\n");
            mkdir(ops, rootfs.resolve("tmp"), 01777);
            mkdir(ops, rootfs.resolve("root"), 0700);
            Path home = mkdir(ops, rootfs.resolve("home/user"), 0750);
            Files.setAttribute(home, "unix:uid", 1000);
            Files.setAttribute(home, "unix:gid", 1000);
            Path opq = Files.createDirectories(rootfs.resolve("opq/sub"));
            Files.writeString(opq.resolve("c"), "c\n");
            Files.writeString(rootfs.resolve("opq/a"), "a\n");
            Files.writeString(rootfs.resolve("opq/b"), "b\n");
            Path old = Files.createDirectories(rootfs.resolve("olddir"));
            Files.writeString(old.resolve("x"), "x\n");
            Files.writeString(old.resolve("y"), "y\n");
          });

      change(
          workDir,
          image,
          "changes",
          rootfs -> {
            Path tool = rootfs.resolve("bin/suidtool");
            Files.writeString(tool, "#!/bin/sh\necho suid\n");
            Files.setAttribute(tool, "unix:gid", 50);
            ops.chmod(tool, 04755);
            ops.setXattr(tool, "security.capability", CAPABILITY);
            Files.createLink(rootfs.resolve("bin/suidtool-link"), tool);
            Files.createLink(rootfs.resolve("bin/busybox-hl"), rootfs.resolve("bin/busybox"));
            Files.createSymbolicLink(rootfs.resolve("etc/pw"), Path.of("/etc/passwd"));
            Files.createSymbolicLink(rootfs.resolve("etc/rel"), Path.of("../bin/busybox"));
            Files.createSymbolicLink(rootfs.resolve("dangling"), Path.of("/nonexistent"));
            Path dev = Files.createDirectories(rootfs.resolve("dev"));
            ops.mknod(dev.resolve("null"), NodeType.CHAR_DEVICE, 0666, 1, 3);
            Path run = Files.createDirectories(rootfs.resolve("run"));
            ops.mknod(run.resolve("fifo"), NodeType.FIFO, 0620, 0, 0);
            Path srv = mkdir(ops, rootfs.resolve("srv"), 02775);
            Files.setAttribute(srv, "unix:gid", 50);
            ops.chmod(srv, 02775);
            Path data = Files.writeString(rootfs.resolve("home/user/data"), "user data\n");
            Files.setAttribute(data, "unix:uid", 1000);
            Files.setAttribute(data, "unix:gid", 1000);
            ops.setXattr(data, "user.note", "kept".getBytes(StandardCharsets.UTF_8));
            Files.writeString(rootfs.resolve("etc/hostname"), "changed\n");
            Files.delete(rootfs.resolve("etc/motd"));
            Files.delete(rootfs.resolve("olddir/x"));
            Files.delete(rootfs.resolve("olddir/y"));
            Files.delete(rootfs.resolve("olddir"));
          });

      Path crafted = workDir.resolve("opaque-layer.tar");
      writeOpaqueLayer(crafted);
      Umoci.umoci(
          "raw",
          "add-layer",
          "--image",
          image,
          "--history.created_by",
          "tessera TestImages opaque layer",
          crafted.toString());
      Files.delete(crafted);

      change(
          workDir,
          image,
          "again",
          rootfs -> {
            Files.writeString(rootfs.resolve("opq/after"), "after\n");
            ops.chmod(rootfs.resolve("etc/passwd"), 0600);
          });

      return read(layout, "latest");
    } catch (IOException e) {
      throw new UncheckedIOException("build busybox test image in " + workDir, e);
    }
  }

  /** Reads the manifest and config of {@code tag} in an OCI layout. */
  public static TestImage read(Path layout, String tag) {
    ObjectMapper json = new ObjectMapper();
    try {
      JsonNode index = json.readTree(layout.resolve("index.json").toFile());
      String manifestDigest = null;
      for (JsonNode m : index.path("manifests")) {
        if (tag.equals(m.path("annotations").path("org.opencontainers.image.ref.name").asText())) {
          manifestDigest = m.path("digest").asText();
        }
      }
      if (manifestDigest == null) {
        throw new IllegalArgumentException("no tag " + tag + " in " + layout);
      }
      JsonNode manifest = json.readTree(blob(layout, manifestDigest).toFile());
      String configDigest = manifest.path("config").path("digest").asText();
      JsonNode config = json.readTree(blob(layout, configDigest).toFile());
      JsonNode diffIds = config.path("rootfs").path("diff_ids");
      List<TestImageLayer> layers = new ArrayList<>();
      int i = 0;
      for (JsonNode l : manifest.path("layers")) {
        String digest = l.path("digest").asText();
        layers.add(
            new TestImageLayer(
                digest,
                l.path("mediaType").asText(),
                l.path("size").asLong(),
                diffIds.get(i++).asText(),
                blob(layout, digest)));
      }
      return new TestImage(layout, tag, manifestDigest, configDigest, layers);
    } catch (IOException e) {
      throw new UncheckedIOException("read OCI layout " + layout, e);
    }
  }

  private static Path blob(Path layout, String digest) {
    String[] parts = digest.split(":", 2);
    return layout.resolve("blobs").resolve(parts[0]).resolve(parts[1]);
  }

  private interface RootfsChange {
    void apply(Path rootfs) throws IOException;
  }

  /** unpack -> change the rootfs -> repack as one new layer; the bundle is removed after. */
  private static void change(Path workDir, String image, String name, RootfsChange change)
      throws IOException {
    Path bundle = workDir.resolve("bundle-" + name);
    Umoci.umoci("unpack", "--image", image, bundle.toString());
    try {
      change.apply(bundle.resolve("rootfs"));
      Umoci.umoci(
          "repack", "--image", image, "--history.created_by", "tessera " + name, bundle.toString());
    } finally {
      Umoci.run("rm", "-rf", "--one-file-system", bundle.toString());
    }
  }

  private static Path mkdir(FileOps ops, Path dir, int mode) throws IOException {
    Files.createDirectories(dir);
    ops.chmod(dir, mode);
    return dir;
  }

  /** umoci writes per-file whiteouts only; this layer carries an opaque directory marker. */
  private static void writeOpaqueLayer(Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      entry(tar, "opq/", 040755, "");
      entry(tar, "opq/.wh..wh..opq", 0100644, "");
      entry(tar, "opq/fresh", 0100644, "fresh\n");
      entry(tar, "etc/.wh.hostname", 0100644, "");
      tar.finish();
    }
  }

  private static void entry(TarArchiveOutputStream tar, String name, int mode, String content)
      throws IOException {
    byte[] data = content.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setMode(mode);
    e.setSize(data.length);
    e.setModTime(FileTime.from(CRAFTED_TIME));
    tar.putArchiveEntry(e);
    tar.write(data);
    tar.closeArchiveEntry();
  }
}
