package io.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.tessera.cri.v1.AuthConfig;
import io.tessera.cri.v1.ImageSpec;
import io.tessera.cri.v1.PullImageRequest;
import io.tessera.storage.testing.TestImage;
import io.tessera.storage.testing.TestImages;
import io.tessera.storage.testing.TestRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** PullImage with CRI AuthConfig against an htpasswd registry, and the tessera CLI pair. */
class ImageAuthAndCliIT {
  @RegisterExtension static final TesseraDaemonExtension daemon = new TesseraDaemonExtension();

  @TempDir static Path work;
  static TestRegistry registry;
  static TestImage image;
  static String ref;

  @BeforeAll
  static void publish() {
    registry = TestRegistry.builder().basicAuth("alice", "wonderland").start();
    image = TestImages.busybox(work.resolve("image"));
    registry.push(image.layout(), image.tag(), "private/busybox:1");
    ref = registry.host() + "/private/busybox:1";
  }

  @AfterAll
  static void stopRegistry() {
    if (registry != null) {
      registry.close();
    }
  }

  private static PullImageRequest.Builder pull() {
    return PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(ref));
  }

  @Test
  void pullWithoutCredentialsIsRefusedClearly() {
    assertThatThrownBy(() -> daemon.client().images().pullImage(pull().build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
              assertThat(e.getStatus().getDescription()).contains(ref);
            });
  }

  @Test
  void pullWithWrongPasswordIsRefused() {
    assertThatThrownBy(
            () ->
                daemon
                    .client()
                    .images()
                    .pullImage(
                        pull()
                            .setAuth(
                                AuthConfig.newBuilder().setUsername("alice").setPassword("nope"))
                            .build()))
        .isInstanceOf(StatusRuntimeException.class);
  }

  @Test
  void pullWithUsernameAndPassword() {
    String id =
        daemon
            .client()
            .images()
            .pullImage(
                pull()
                    .setAuth(AuthConfig.newBuilder().setUsername("alice").setPassword("wonderland"))
                    .build())
            .getImageRef();
    assertThat(id).isEqualTo(image.configDigest().toString());
  }

  @Test
  void pullWithTheBase64AuthField() {
    String auth =
        Base64.getEncoder().encodeToString("alice:wonderland".getBytes(StandardCharsets.UTF_8));
    String id =
        daemon
            .client()
            .images()
            .pullImage(pull().setAuth(AuthConfig.newBuilder().setAuth(auth)).build())
            .getImageRef();
    assertThat(id).isEqualTo(image.configDigest().toString());
  }

  @Test
  void cliPullAndImages() throws Exception {
    Cli pulled =
        Cli.run(
            "pull",
            "--socket",
            daemon.dirs().socket().toString(),
            "--creds",
            "alice:wonderland",
            ref);
    assertThat(pulled.code).as(pulled.output).isZero();
    assertThat(pulled.output.trim()).isEqualTo(image.configDigest().toString());

    Cli listed = Cli.run("images", "--socket", daemon.dirs().socket().toString());
    assertThat(listed.code).as(listed.output).isZero();
    assertThat(listed.output)
        .contains("IMAGE")
        .contains(registry.host() + "/private/busybox")
        .contains(image.configDigest().toString().substring(7, 20));

    Cli bad = Cli.run("pull", "--socket", daemon.dirs().socket().toString(), "Not//Valid");
    assertThat(bad.code).isNotZero();
    assertThat(bad.output).contains("INVALID_ARGUMENT");
  }

  /** One run of bin/tessera with its merged output. */
  record Cli(int code, String output) {
    static Cli run(String... args) throws IOException, InterruptedException {
      List<String> cmd = new java.util.ArrayList<>();
      cmd.add(TesseraProcess.launcher().toString());
      cmd.addAll(List.of(args));
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("tessera " + String.join(" ", args) + " did not finish");
      }
      return new Cli(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
  }
}
