package io.tessera.storage.testing;

import static org.awaitility.Awaitility.await;

import io.tessera.storage.ref.Digest;
import io.tessera.storage.ref.ImageReference;
import io.tessera.storage.registry.Credentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real registry for tests: Debian's {@code docker-registry} (distribution 2.8) serving plain HTTP
 * on 127.0.0.1 at a free port, with its storage in a temp directory.
 *
 * <ul>
 *   <li>Auth modes: none, htpasswd basic auth ({@code htpasswd -B} from apache2-utils), or token
 *       auth against an in-JVM {@link TokenServer} (Bearer flow with RS256 JWTs).
 *   <li>Images go in with {@link #push} ({@code skopeo copy --all --preserve-digests} from an OCI
 *       layout, e.g. one made by {@link RegistryOciLayout}).
 *   <li>Requests are counted from the registry's access log (combined log format on its stdout):
 *       {@link #blobGets} after {@link #syncLog}, which makes a marker request and waits for its
 *       line, so that every request answered before it has been logged.
 *   <li>Interruption: {@link Builder#throttle} puts a {@link RegistryThrottlingProxy} in front
 *       (then {@link #port()} is the proxy's); {@link #stop()} kills the registry (and breaks the
 *       proxied connections), {@link #restart()} starts it again on the same port and storage.
 * </ul>
 *
 * <p>{@link #close()} kills the process, stops the helpers and deletes every file. Fails (never
 * skips) when docker-registry, skopeo or htpasswd is missing: {@code scripts/install-deps.sh
 * --test} installs them. Not thread-safe, except the read-only accessors.
 */
public final class TestRegistry implements AutoCloseable {

  private static final Path REGISTRY_BINARY = Path.of("/usr/bin/docker-registry");
  private static final Pattern ACCESS_LINE =
      Pattern.compile("^\\S+ \\S+ \\S+ \\[[^]]*] \"(\\S+) (\\S+) [^\"]*\" (\\d{3}) .*$");

  private final Builder config;
  private final Path dir;
  private final Path stdout;
  private final Path stderr;
  private final int port;
  private final int registryPort;
  private final TokenServer tokenServer;
  private final RegistryThrottlingProxy proxy;
  private final HttpClient http = HttpClient.newHttpClient();
  private Process process;
  private final Thread shutdownHook;

  /** What to start. */
  public static final class Builder {
    private String username;
    private String password;
    private String identityToken;
    private boolean token;
    private long throttle;

    private Builder() {}

    /** Require HTTP basic auth (htpasswd) for everything. */
    public Builder basicAuth(String user, String pass) {
      this.username = Objects.requireNonNull(user);
      this.password = Objects.requireNonNull(pass);
      this.token = false;
      return this;
    }

    /**
     * Require Bearer tokens from a {@link TokenServer} that accepts {@code user}/{@code pass} and
     * the OAuth2 refresh token {@code identity} (may be null).
     */
    public Builder tokenAuth(String user, String pass, String identity) {
      this.username = Objects.requireNonNull(user);
      this.password = Objects.requireNonNull(pass);
      this.identityToken = identity;
      this.token = true;
      return this;
    }

    /** Serve responses at {@code bytesPerSecond} through a proxy. */
    public Builder throttle(long bytesPerSecond) {
      this.throttle = bytesPerSecond;
      return this;
    }

    public TestRegistry start() {
      return new TestRegistry(this);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** An anonymous registry. */
  public static TestRegistry start() {
    return builder().start();
  }

  private TestRegistry(Builder config) {
    this.config = config;
    requireExecutable(REGISTRY_BINARY, "docker-registry");
    TokenServer tokens = null;
    RegistryThrottlingProxy front = null;
    Path created = null;
    try {
      created = Files.createTempDirectory("tessera-test-registry");
      this.dir = created;
      this.stdout = dir.resolve("registry.stdout.log");
      this.stderr = dir.resolve("registry.stderr.log");
      this.registryPort = freePort();
      if (config.throttle > 0) {
        front = new RegistryThrottlingProxy(0, registryPort, config.throttle);
        this.port = front.port();
      } else {
        this.port = registryPort;
      }
      String auth = "";
      if (config.token) {
        tokens = TokenServer.start(dir, config.username, config.password, config.identityToken);
        auth =
            "auth:\n"
                + "  token:\n"
                + "    realm: "
                + tokens.realm()
                + "\n"
                + "    service: "
                + TokenServer.SERVICE
                + "\n"
                + "    issuer: "
                + TokenServer.ISSUER
                + "\n"
                + "    rootcertbundle: "
                + tokens.rootCertificate()
                + "\n";
      } else if (config.username != null) {
        requireExecutable(Path.of("/usr/bin/htpasswd"), "apache2-utils");
        Path htpasswd = dir.resolve("htpasswd");
        String line =
            run(List.of("htpasswd", "-Bbn", config.username, config.password), "htpasswd").strip();
        Files.writeString(htpasswd, line + "\n");
        auth =
            "auth:\n"
                + "  htpasswd:\n"
                + "    realm: tessera-test\n"
                + "    path: "
                + htpasswd
                + "\n";
      }
      String yaml =
          "version: 0.1\n"
              + "log:\n"
              + "  level: info\n"
              + "  formatter: text\n"
              + "  accesslog:\n"
              + "    disabled: false\n"
              + "storage:\n"
              + "  filesystem:\n"
              + "    rootdirectory: "
              + dir.resolve("storage")
              + "\n"
              + "  delete:\n"
              + "    enabled: true\n"
              + "http:\n"
              + "  addr: 127.0.0.1:"
              + registryPort
              + "\n"
              + "  secret: "
              + UUID.randomUUID()
              + "\n"
              + auth;
      Files.writeString(dir.resolve("config.yml"), yaml);
      this.tokenServer = tokens;
      this.proxy = front;
      this.shutdownHook = new Thread(this::killProcess, "test-registry-cleanup");
      Runtime.getRuntime().addShutdownHook(shutdownHook);
      launch();
    } catch (IOException | RuntimeException e) {
      if (tokens != null) {
        tokens.close();
      }
      if (front != null) {
        front.close();
      }
      killProcess();
      if (created != null) {
        deleteTree(created);
      }
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
  }

  /** {@code 127.0.0.1:<port>}: the registry part of image references. */
  public String host() {
    return "127.0.0.1:" + port;
  }

  /** The port clients use (the proxy's when throttled). */
  public int port() {
    return port;
  }

  /** {@code host()/<repoAndTag>} parsed, e.g. {@code reference("busybox:1")}. */
  public ImageReference reference(String repoAndTag) {
    return ImageReference.parse(host() + "/" + repoAndTag);
  }

  /** The credentials this registry accepts (anonymous when it has no auth). */
  public Credentials credentials() {
    return config.username == null
        ? Credentials.anonymous()
        : Credentials.basic(config.username, config.password);
  }

  /** The token server in token mode. */
  public Optional<TokenServer> tokenServer() {
    return Optional.ofNullable(tokenServer);
  }

  /**
   * Pushes image {@code layoutTag} of the OCI layout {@code layoutDir} to {@code repoAndTag} here
   * (all platforms of an index, digests preserved).
   */
  public void push(Path layoutDir, String layoutTag, String repoAndTag) {
    List<String> command = new ArrayList<>();
    requireExecutable(Path.of("/usr/bin/skopeo"), "skopeo");
    command.addAll(
        List.of(
            "skopeo",
            "--insecure-policy",
            "copy",
            "--quiet",
            "--all",
            "--preserve-digests",
            "--dest-tls-verify=false"));
    if (config.username != null) {
      command.add("--dest-creds=" + config.username + ":" + config.password);
    }
    command.add("oci:" + layoutDir + ":" + layoutTag);
    command.add("docker://" + host() + "/" + repoAndTag);
    run(command, "skopeo copy");
  }

  /**
   * Pushes image {@code layoutTag} of {@code layoutDir} converted to Docker's image manifest v2
   * schema 2 (so digests change: read them back from the registry).
   */
  public void pushDockerSchema2(Path layoutDir, String layoutTag, String repoAndTag) {
    requireExecutable(Path.of("/usr/bin/skopeo"), "skopeo");
    List<String> command =
        new ArrayList<>(
            List.of(
                "skopeo",
                "--insecure-policy",
                "copy",
                "--quiet",
                "--format=v2s2",
                "--dest-tls-verify=false"));
    if (config.username != null) {
      command.add("--dest-creds=" + config.username + ":" + config.password);
    }
    command.add("oci:" + layoutDir + ":" + layoutTag);
    command.add("docker://" + host() + "/" + repoAndTag);
    run(command, "skopeo copy");
  }

  /** Pushes {@code layoutDir}'s image tagged like {@code repoAndTag}'s tag. */
  public void push(Path layoutDir, String repoAndTag) {
    push(layoutDir, repoAndTag.substring(repoAndTag.lastIndexOf(':') + 1), repoAndTag);
  }

  /**
   * Waits until every request the registry answered before this call appears in its access log, by
   * logging a marker request and waiting for its line.
   */
  public void syncLog() {
    String marker = "/v2/?sync=" + UUID.randomUUID();
    try {
      http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + registryPort + marker)).build(),
          HttpResponse.BodyHandlers.discarding());
    } catch (IOException e) {
      throw new UncheckedIOException("registry marker request", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> requests().stream().anyMatch(r -> r.path().equals(marker)));
  }

  /** One line of the access log. */
  public record AccessLogEntry(String method, String path, int status) {}

  /** The requests logged so far (call {@link #syncLog} first to have them all). */
  public List<AccessLogEntry> requests() {
    List<AccessLogEntry> out = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(stdout, StandardCharsets.UTF_8)) {
        Matcher m = ACCESS_LINE.matcher(line);
        if (m.matches()) {
          out.add(new AccessLogEntry(m.group(1), m.group(2), Integer.parseInt(m.group(3))));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("read " + stdout, e);
    }
    return out;
  }

  /** How many successful (200/206) GETs of blob {@code digest} the log shows, in any repository. */
  public long blobGets(Digest digest) {
    String suffix = "/blobs/" + digest;
    return requests().stream()
        .filter(r -> r.method().equals("GET") && r.path().endsWith(suffix))
        .filter(r -> r.status() == 200 || r.status() == 206)
        .count();
  }

  /** Kills the registry (storage kept) and breaks connections in flight through the proxy. */
  public void stop() {
    killProcess();
    if (proxy != null) {
      proxy.dropAll();
    }
  }

  /** Starts the registry again after {@link #stop()}, same port, config and storage. */
  public void restart() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("registry still running");
    }
    launch();
  }

  /** The registry's own log (stderr), for failure messages. */
  public String log() {
    try {
      return Files.exists(stderr) ? Files.readString(stderr) : "";
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  @Override
  public void close() {
    killProcess();
    if (proxy != null) {
      proxy.close();
    }
    if (tokenServer != null) {
      tokenServer.close();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // already shutting down
    }
    deleteTree(dir);
  }

  private void launch() {
    try {
      process =
          new ProcessBuilder(
                  REGISTRY_BINARY.toString(), "serve", dir.resolve("config.yml").toString())
              .redirectOutput(ProcessBuilder.Redirect.appendTo(stdout.toFile()))
              .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("start " + REGISTRY_BINARY, e);
    }
    URI ping = URI.create("http://127.0.0.1:" + registryPort + "/v2/");
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(50))
          .ignoreExceptions()
          .until(
              () -> {
                if (!process.isAlive()) {
                  throw new IllegalStateException("docker-registry exited: " + log());
                }
                int status =
                    http.send(
                            HttpRequest.newBuilder(ping).timeout(Duration.ofSeconds(2)).build(),
                            HttpResponse.BodyHandlers.discarding())
                        .statusCode();
                return status == 200 || status == 401;
              });
    } catch (RuntimeException e) {
      killProcess();
      throw new IllegalStateException("docker-registry did not come up: " + log(), e);
    }
  }

  private void killProcess() {
    Process p = process;
    if (p != null && p.isAlive()) {
      p.destroyForcibly();
      try {
        p.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static String run(List<String> command, String what) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(180, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(what + " timed out: " + String.join(" ", command));
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            what
                + " failed (exit "
                + p.exitValue()
                + "): "
                + String.join(" ", command)
                + "\n"
                + output);
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException(what + ": " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void requireExecutable(Path binary, String pkg) {
    if (!Files.isExecutable(binary)) {
      throw new IllegalStateException(
          binary
              + " missing: install the Debian package "
              + pkg
              + " (scripts/install-deps.sh --test)");
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void deleteTree(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  // keep going; reported below if the root stays
                }
              });
    } catch (IOException e) {
      throw new UncheckedIOException("delete " + root, e);
    }
  }
}
