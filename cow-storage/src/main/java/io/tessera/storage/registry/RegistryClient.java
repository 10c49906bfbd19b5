package io.tessera.storage.registry;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.NotFoundException;
import io.tessera.kernel.errors.TesseraException;
import io.tessera.kernel.errors.UnavailableException;
import io.tessera.storage.ref.Digest;
import io.tessera.storage.ref.ImageReference;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pull side of the OCI distribution spec over {@link java.net.http.HttpClient}: manifests,
 * indexes and blobs, with registry authentication, retries and resumable blob downloads.
 *
 * <ul>
 *   <li>Authentication: a 401's {@code WWW-Authenticate} challenge is answered with a Bearer token
 *       fetched from its realm (anonymously, with basic credentials, or by an OAuth2 refresh-token
 *       POST for an identity token) or with basic auth; tokens are cached per host, scope and
 *       credentials, and later requests send them without waiting for a 401.
 *   <li>Retries: I/O errors, 5xx and 429 are retried per {@link RetryPolicy} with exponential
 *       backoff (honouring {@code Retry-After}); other errors fail at once.
 *   <li>Blobs: redirects are followed by hand so that credentials never go to another host; an
 *       interrupted body is resumed with {@code Range: bytes=N-} when the server answers 206, and
 *       restarted from zero otherwise; the length and the digest are checked.
 *   <li>Endpoints: methods taking a list try each endpoint (mirrors first) in order and fail only
 *       when all have failed, with every endpoint's reason in the message.
 *   <li>A body that delivers no data for the idle timeout is abandoned and retried.
 * </ul>
 *
 * <p>Errors are the domain family: {@link NotFoundException} (manifest or blob unknown, no manifest
 * for the platform), {@link FailedPreconditionException} (authentication refused, digest/size
 * mismatch, unsupported content), {@link UnavailableException} (the registry could not be reached
 * or kept failing), {@link InvalidArgumentException} (malformed manifest).
 *
 * <p>Thread-safe; one instance is meant to be shared by every pull of a process.
 */
public final class RegistryClient {

  private static final Logger LOG = LoggerFactory.getLogger(RegistryClient.class);

  /** containerd's limit too: a manifest is small, a huge one is an attack or a mistake. */
  static final int MAX_MANIFEST_BYTES = 4 << 20;

  private static final int MAX_REDIRECTS = 10;
  private static final int MAX_ERROR_BODY = 16 << 10;
  private static final int COPY_BUFFER = 64 << 10;
  private static final int MAX_INDEX_DEPTH = 2;
  private static final Pattern CONTENT_RANGE_START = Pattern.compile("bytes\\s+(\\d+)-\\d+/.*");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One daemon thread watches every body in the process for stalls. */
  private static final ScheduledExecutorService WATCHDOG =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "tessera-registry-watchdog");
            t.setDaemon(true);
            return t;
          });

  private final HttpClient http;
  private final RetryPolicy retry;
  private final Duration requestTimeout;
  private final Duration idleTimeout;
  private final String userAgent;
  private final Authenticator auth;

  private RegistryClient(Builder b) {
    this.http =
        HttpClient.newBuilder()
            // HTTP/1.1: no h2c upgrade attempts on plain-HTTP registries, and parallel blob
            // downloads get their own TCP connections instead of sharing one.
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(b.connectTimeout)
            .build();
    this.retry = b.retry;
    this.requestTimeout = b.requestTimeout;
    this.idleTimeout = b.idleTimeout;
    this.userAgent = b.userAgent;
    this.auth = new Authenticator(http, retry, requestTimeout, userAgent);
  }

  /** A client with the default settings. */
  public static RegistryClient create() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Settings of a {@link RegistryClient}; every one has a default. */
  public static final class Builder {
    private RetryPolicy retry = RetryPolicy.DEFAULT;
    private Duration connectTimeout = Duration.ofSeconds(30);
    private Duration requestTimeout = Duration.ofSeconds(60);
    private Duration idleTimeout = Duration.ofSeconds(60);
    private String userAgent = "tessera/0.1";

    private Builder() {}

    /** Retries of transient failures; default {@link RetryPolicy#DEFAULT}. */
    public Builder retryPolicy(RetryPolicy value) {
      this.retry = Objects.requireNonNull(value);
      return this;
    }

    /** TCP (and TLS) connect timeout; default 30 s. */
    public Builder connectTimeout(Duration value) {
      this.connectTimeout = Objects.requireNonNull(value);
      return this;
    }

    /** Time until the response headers arrive; default 60 s. */
    public Builder requestTimeout(Duration value) {
      this.requestTimeout = Objects.requireNonNull(value);
      return this;
    }

    /** How long a body may deliver no data before it is abandoned (and retried); default 60 s. */
    public Builder idleTimeout(Duration value) {
      this.idleTimeout = Objects.requireNonNull(value);
      return this;
    }

    /** The User-Agent header; default {@code tessera/0.1}. */
    public Builder userAgent(String value) {
      this.userAgent = Objects.requireNonNull(value);
      return this;
    }

    public RegistryClient build() {
      return new RegistryClient(this);
    }
  }

  /**
   * Resolves an image to the manifest for {@code platform}, trying {@code endpoints} in order
   * (usually {@link RegistriesConf#endpoints}). An index or manifest list is followed to the entry
   * {@link ImageIndex#select} picks; the chosen manifest's config and layers are checked to be a
   * runnable image.
   *
   * @throws NotFoundException when no endpoint has the image, or the index has no entry for the
   *     platform
   * @throws FailedPreconditionException for refused authentication, a digest mismatch or content
   *     that is not a runnable image
   * @throws UnavailableException when the registry could not be reached
   */
  public ResolvedImage resolve(
      List<RegistryEndpoint> endpoints, Credentials credentials, Platform platform) {
    if (endpoints.isEmpty()) {
      throw new InvalidArgumentException("resolve: no endpoints");
    }
    List<TesseraException> failures = new ArrayList<>();
    for (int i = 0; i < endpoints.size(); i++) {
      RegistryEndpoint endpoint = endpoints.get(i);
      try {
        ResolvedImage r = resolveAt(endpoint, credentials, platform);
        List<RegistryEndpoint> order = new ArrayList<>();
        order.add(endpoint);
        for (RegistryEndpoint other : endpoints) {
          if (other != endpoint) {
            order.add(other);
          }
        }
        return new ResolvedImage(order, r.repoDigest(), r.index(), r.manifest(), r.parsed());
      } catch (TesseraException e) {
        LOG.debug("resolve {} at {} failed: {}", endpoint.reference(), endpoint, e.getMessage());
        failures.add(e);
      }
    }
    throw combined(
        "resolve " + endpoints.get(endpoints.size() - 1).reference(), endpoints, failures);
  }

  private ResolvedImage resolveAt(
      RegistryEndpoint endpoint, Credentials credentials, Platform platform) {
    ImageReference ref = endpoint.reference();
    ManifestResponse top = fetchManifest(endpoint, ref.tagOrDigest(), credentials);
    ManifestResponse current = top;
    Optional<ManifestResponse> index = Optional.empty();
    for (int depth = 0; MediaTypes.isIndex(current.mediaType()); depth++) {
      if (depth == MAX_INDEX_DEPTH) {
        throw new FailedPreconditionException(
            "resolve " + ref + ": image indexes nested deeper than " + MAX_INDEX_DEPTH);
      }
      if (index.isEmpty()) {
        index = Optional.of(current);
      }
      Descriptor chosen;
      try {
        chosen = ImageIndex.parse(current.content(), current.mediaType()).select(platform);
      } catch (NotFoundException e) {
        throw new NotFoundException("resolve " + ref + ": " + e.getMessage(), e);
      }
      current = fetchManifest(endpoint, chosen.digest().toString(), credentials);
      if (current.content().length != chosen.size()) {
        throw new FailedPreconditionException(
            "resolve "
                + ref
                + ": manifest "
                + chosen.digest()
                + " is "
                + current.content().length
                + " bytes, the index says "
                + chosen.size());
      }
    }
    if (!MediaTypes.isManifest(current.mediaType())) {
      throw new FailedPreconditionException(
          "resolve " + ref + ": unsupported manifest media type " + current.mediaType());
    }
    ImageManifest parsed;
    try {
      parsed = ImageManifest.parse(current.content(), current.mediaType());
      parsed.requireRunnable();
    } catch (TesseraException e) {
      throw TesseraException.sameKind(
          e, "resolve " + ref + ": manifest " + current.digest() + ": " + e.getMessage());
    }
    return new ResolvedImage(List.of(endpoint), top.digest(), index, current, parsed);
  }

  /**
   * Fetches one manifest or index by tag or digest from one endpoint. When {@code tagOrDigest} is a
   * digest, the content is verified against it; otherwise its sha256 is computed (and checked
   * against the {@code Docker-Content-Digest} header when the registry sends one).
   *
   * @throws NotFoundException when the registry does not know it
   */
  public ManifestResponse fetchManifest(
      RegistryEndpoint endpoint, String tagOrDigest, Credentials credentials) {
    String what = "GET manifest " + endpoint.repository() + ":" + tagOrDigest + " from " + endpoint;
    Optional<Digest> expected =
        tagOrDigest.indexOf(':') >= 0 ? Optional.of(Digest.parse(tagOrDigest)) : Optional.empty();
    URI uri = endpoint.uri("manifests", tagOrDigest);
    Map<String, String> headers = Map.of("Accept", String.join(", ", MediaTypes.MANIFEST_ACCEPT));
    return execute(
        what,
        endpoint,
        credentials,
        () -> new Request(uri, headers, 0),
        () -> 0,
        (request, response, body) -> {
          long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
          if (declared > MAX_MANIFEST_BYTES) {
            throw new FailedPreconditionException(
                what + ": manifest of " + declared + " bytes exceeds " + MAX_MANIFEST_BYTES);
          }
          byte[] content = body.readNBytes(MAX_MANIFEST_BYTES + 1);
          if (content.length > MAX_MANIFEST_BYTES) {
            throw new FailedPreconditionException(
                what + ": manifest exceeds " + MAX_MANIFEST_BYTES + " bytes");
          }
          if (declared >= 0 && content.length != declared) {
            throw new EOFException(
                "manifest body has " + content.length + " of " + declared + " bytes");
          }
          return manifestResponse(what, response.headers(), content, expected);
        });
  }

  private static ManifestResponse manifestResponse(
      String what, HttpHeaders headers, byte[] content, Optional<Digest> expected) {
    Digest digest;
    if (expected.isPresent()) {
      digest = expected.get().recompute(content);
      if (!digest.equals(expected.get())) {
        throw new FailedPreconditionException(
            what + ": content has digest " + digest + ", not the requested " + expected.get());
      }
    } else {
      digest = Digest.sha256Of(content);
      Optional<String> header = headers.firstValue("Docker-Content-Digest");
      if (header.isPresent() && header.get().startsWith(Digest.SHA256 + ":")) {
        if (!header.get().equals(digest.toString())) {
          throw new FailedPreconditionException(
              what + ": content has digest " + digest + " but the registry says " + header.get());
        }
      }
    }
    // Only verified bytes are parsed.
    String contentType = headers.firstValue("Content-Type").orElse(null);
    String mediaType;
    try {
      mediaType = ManifestTranslator.mediaType(ManifestTranslator.read(content), contentType);
    } catch (InvalidArgumentException e) {
      throw new InvalidArgumentException(what + ": " + e.getMessage(), e);
    }
    return new ManifestResponse(digest, mediaType, content);
  }

  /**
   * Downloads blob {@code digest} of {@code size} bytes into {@code sink}, trying {@code endpoints}
   * in order. A download broken off is resumed from {@code sink.position()} when the server
   * supports ranges. On return the sink holds exactly the blob; on failure it may hold anything and
   * the caller discards it.
   *
   * @throws NotFoundException when no endpoint has the blob
   * @throws FailedPreconditionException when the content has another digest or length
   * @throws UnavailableException when the registry could not be reached or kept failing
   */
  public void fetchBlob(
      List<RegistryEndpoint> endpoints,
      Digest digest,
      long size,
      Credentials credentials,
      BlobSink sink) {
    if (endpoints.isEmpty()) {
      throw new InvalidArgumentException("fetch blob " + digest + ": no endpoints");
    }
    List<TesseraException> failures = new ArrayList<>();
    for (RegistryEndpoint endpoint : endpoints) {
      try {
        fetchBlobFrom(endpoint, digest, size, credentials, sink);
        return;
      } catch (TesseraException e) {
        LOG.debug("blob {} from {} failed: {}", digest, endpoint, e.getMessage());
        failures.add(e);
      }
    }
    throw combined("fetch blob " + digest, endpoints, failures);
  }

  private void fetchBlobFrom(
      RegistryEndpoint endpoint, Digest digest, long size, Credentials credentials, BlobSink sink) {
    String what = "GET blob " + digest + " from " + endpoint;
    if (sink.position() > size) {
      restart(sink, what);
    }
    URI uri = endpoint.uri("blobs", digest.toString());
    if (sink.position() < size || size == 0) {
      execute(
          what,
          endpoint,
          credentials,
          () -> {
            long from = sink.position();
            Map<String, String> headers =
                from > 0 ? Map.of("Range", "bytes=" + from + "-") : Map.of();
            return new Request(uri, headers, from);
          },
          sink::position,
          (request, response, body) -> {
            if (response.statusCode() == 206) {
              long start = contentRangeStart(response.headers());
              if (start != request.offset()) {
                sink.restart();
                throw new IOException(
                    "asked to resume at byte "
                        + request.offset()
                        + ", server answered from "
                        + start
                        + "; restarting");
              }
            } else if (request.offset() > 0) {
              LOG.debug("{}: server ignored Range; restarting from byte 0", what);
              sink.restart();
            }
            copy(what, body, sink, size);
            return null;
          });
    }
    Digest actual = sink.digest();
    if (!actual.equals(digest)) {
      restart(sink, what);
      throw new FailedPreconditionException(
          what + ": content has digest " + actual + " (" + size + " bytes); expected " + digest);
    }
  }

  private static void restart(BlobSink sink, String what) {
    try {
      sink.restart();
    } catch (IOException e) {
      throw new UnavailableException(what + ": cannot reset the download target", e);
    }
  }

  private static void copy(String what, InputStream body, BlobSink sink, long size)
      throws IOException {
    byte[] buffer = new byte[COPY_BUFFER];
    while (true) {
      long remaining = size - sink.position();
      // Read one byte past the end to notice a body longer than the descriptor says.
      int want = (int) Math.min(buffer.length, remaining + 1);
      int n = body.read(buffer, 0, want);
      if (n < 0) {
        break;
      }
      if (n > remaining) {
        sink.restart();
        throw new FailedPreconditionException(
            what + ": registry sent more than the " + size + " bytes the descriptor gives");
      }
      sink.write(buffer, 0, n);
    }
    if (sink.position() < size) {
      throw new EOFException("body ended after " + sink.position() + " of " + size + " bytes");
    }
  }

  private static long contentRangeStart(HttpHeaders headers) throws IOException {
    String range = headers.firstValue("Content-Range").orElse("");
    Matcher m = CONTENT_RANGE_START.matcher(range.trim());
    if (!m.matches()) {
      throw new IOException("206 without a usable Content-Range: \"" + range + "\"");
    }
    return Long.parseLong(m.group(1));
  }

  // ---- the request loop: auth, redirects, retries ----

  /** A request to make; {@code offset} is the blob position it resumes from (0 otherwise). */
  private record Request(URI uri, Map<String, String> headers, long offset) {}

  @FunctionalInterface
  private interface BodyReader<T> {
    T read(Request request, HttpResponse<InputStream> response, InputStream body)
        throws IOException;
  }

  /** A 5xx or 429, to be retried like an I/O error. */
  private static final class RetryableStatus extends IOException {
    private static final long serialVersionUID = 1L;
    final Duration retryAfter;

    RetryableStatus(String message, Duration retryAfter) {
      super(message);
      this.retryAfter = retryAfter;
    }
  }

  private <T> T execute(
      String what,
      RegistryEndpoint endpoint,
      Credentials credentials,
      Supplier<Request> requests,
      LongSupplier progress,
      BodyReader<T> reader) {
    int failures = 0;
    int tries = 0;
    while (true) {
      tries++;
      long before = progress.getAsLong();
      IOException failure;
      try {
        Request request = requests.get();
        HttpResponse<InputStream> response = send(what, endpoint, request, credentials);
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
          try (InputStream body = watched(response.body())) {
            return reader.read(request, response, body);
          }
        }
        String detail = errorDetail(response);
        if (status == 429 || status >= 500) {
          failure = new RetryableStatus("HTTP " + status + detail, retryAfter(response));
        } else {
          throw statusError(what, status, detail);
        }
      } catch (IOException e) {
        failure = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UnavailableException(what + ": interrupted", e);
      }
      // An attempt that moved a download forward is not held against the budget, but a server
      // that keeps breaking off after a few bytes still gets cut off eventually.
      if (progress.getAsLong() <= before) {
        failures++;
      }
      if (failures >= retry.attempts() || tries >= retry.attempts() * 16) {
        throw new UnavailableException(
            what + ": failed after " + tries + " attempts: " + describe(failure), failure);
      }
      Duration wait = retry.backoff(failures == 0 ? 1 : failures);
      if (failure instanceof RetryableStatus rs && rs.retryAfter != null) {
        wait = rs.retryAfter.compareTo(retry.maxBackoff()) > 0 ? retry.maxBackoff() : rs.retryAfter;
      }
      LOG.info("{}: {}; retrying in {} ms", what, describe(failure), wait.toMillis());
      try {
        Thread.sleep(wait.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UnavailableException(what + ": interrupted", e);
      }
    }
  }

  /** Sends with authentication; a 401 is answered once, a second 401 is an error. */
  private HttpResponse<InputStream> send(
      String what, RegistryEndpoint endpoint, Request request, Credentials credentials)
      throws IOException, InterruptedException {
    Optional<String> authorization = auth.preemptive(endpoint, credentials);
    HttpResponse<InputStream> response = sendFollowingRedirects(endpoint, request, authorization);
    if (response.statusCode() != 401) {
      return response;
    }
    List<AuthChallenge> challenges =
        AuthChallenge.parse(response.headers().allValues("WWW-Authenticate"));
    String firstDetail = errorDetail(response);
    String answer;
    try {
      answer = auth.answer(endpoint, credentials, challenges);
    } catch (FailedPreconditionException e) {
      throw new FailedPreconditionException(
          what + ": unauthorized" + firstDetail + ": " + e.getMessage(), e);
    }
    response = sendFollowingRedirects(endpoint, request, Optional.of(answer));
    if (response.statusCode() == 401) {
      String detail = errorDetail(response);
      auth.forget(endpoint, credentials);
      throw new FailedPreconditionException(
          what
              + ": unauthorized"
              + detail
              + (credentials.isAnonymous()
                  ? " (no credentials were given)"
                  : " (the registry refused the credentials " + credentials + ")"));
    }
    return response;
  }

  private HttpResponse<InputStream> sendFollowingRedirects(
      RegistryEndpoint endpoint, Request request, Optional<String> authorization)
      throws IOException, InterruptedException {
    URI uri = request.uri();
    for (int hop = 0; ; hop++) {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(uri).timeout(requestTimeout).header("User-Agent", userAgent).GET();
      request.headers().forEach(b::header);
      // Credentials are for the registry only, never for the storage it redirects to (S3 and
      // friends refuse a request that carries them anyway).
      if (authorization.isPresent() && endpoint.apiHost().equalsIgnoreCase(authority(uri))) {
        b.header("Authorization", authorization.get());
      }
      HttpResponse<InputStream> response =
          http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      int status = response.statusCode();
      boolean redirect =
          status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
      Optional<String> location = response.headers().firstValue("Location");
      if (!redirect || location.isEmpty()) {
        return response;
      }
      response.body().close();
      if (hop == MAX_REDIRECTS) {
        throw new IOException("more than " + MAX_REDIRECTS + " redirects from " + request.uri());
      }
      URI next;
      try {
        next = uri.resolve(location.get());
      } catch (IllegalArgumentException e) {
        throw new IOException("bad redirect Location \"" + location.get() + "\"", e);
      }
      if (!"https".equals(next.getScheme()) && !"http".equals(next.getScheme())) {
        throw new IOException("redirect to unsupported scheme: " + next);
      }
      if ("https".equals(uri.getScheme()) && "http".equals(next.getScheme())) {
        throw new IOException("refusing redirect from HTTPS to plain HTTP: " + next);
      }
      uri = next;
    }
  }

  private static String authority(URI uri) {
    return uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
  }

  private static Duration retryAfter(HttpResponse<?> response) {
    Optional<String> v = response.headers().firstValue("Retry-After");
    if (v.isPresent() && v.get().trim().matches("\\d{1,6}")) {
      return Duration.ofSeconds(Long.parseLong(v.get().trim()));
    }
    return null;
  }

  private static TesseraException statusError(String what, int status, String detail) {
    String message = what + ": HTTP " + status + detail;
    return switch (status) {
      case 404 -> new NotFoundException(message);
      case 401, 403 -> new FailedPreconditionException(message + " (access denied)");
      default -> new FailedPreconditionException(message);
    };
  }

  /** The registry's error codes from the body (distribution spec error format), read and closed. */
  private static String errorDetail(HttpResponse<InputStream> response) {
    byte[] body;
    try (InputStream in = response.body()) {
      body = in.readNBytes(MAX_ERROR_BODY);
    } catch (IOException e) {
      return "";
    }
    if (body.length == 0) {
      return "";
    }
    try {
      ErrorsJson errors = JSON.readValue(body, ErrorsJson.class);
      if (errors != null && errors.errors != null && !errors.errors.isEmpty()) {
        StringBuilder b = new StringBuilder(" (");
        for (int i = 0; i < errors.errors.size(); i++) {
          ErrorsJson.ErrorJson e = errors.errors.get(i);
          b.append(i == 0 ? "" : "; ").append(e.code).append(": ").append(e.message);
        }
        return b.append(')').toString();
      }
    } catch (IOException | RuntimeException e) {
      // not the spec's error JSON: show the text
    }
    String text = new String(body, StandardCharsets.UTF_8).strip();
    if (text.isEmpty()) {
      return "";
    }
    return " (" + (text.length() > 200 ? text.substring(0, 200) + "..." : text) + ")";
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  static final class ErrorsJson {
    public List<ErrorJson> errors;

    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class ErrorJson {
      public String code;
      public String message;
    }
  }

  private static String describe(Throwable t) {
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  private static TesseraException combined(
      String what, List<RegistryEndpoint> endpoints, List<TesseraException> failures) {
    TesseraException last = failures.get(failures.size() - 1);
    if (failures.size() == 1) {
      return last;
    }
    Map<String, String> reasons = new LinkedHashMap<>();
    for (int i = 0; i < failures.size(); i++) {
      reasons.put(endpoints.get(i).toString(), failures.get(i).getMessage());
    }
    TesseraException e =
        TesseraException.sameKind(last, what + ": every endpoint failed: " + reasons);
    for (int i = 0; i < failures.size() - 1; i++) {
      e.addSuppressed(failures.get(i));
    }
    return e;
  }

  /** Wraps a body so that it is closed (unblocking its reader) when it stalls. */
  private InputStream watched(InputStream body) {
    return new IdleGuard(body, idleTimeout);
  }

  private static final class IdleGuard extends FilterInputStream {
    private final long idleNanos;
    private final ScheduledFuture<?> check;
    private volatile long lastProgress = System.nanoTime();
    private volatile boolean stalled;

    IdleGuard(InputStream in, Duration idle) {
      super(in);
      this.idleNanos = idle.toNanos();
      long period = Math.max(10, idle.toMillis() / 4);
      this.check = WATCHDOG.scheduleAtFixedRate(this::check, period, period, TimeUnit.MILLISECONDS);
    }

    private void check() {
      if (System.nanoTime() - lastProgress > idleNanos) {
        stalled = true;
        check.cancel(false);
        try {
          in.close();
        } catch (IOException e) {
          // closing is all we can do
        }
      }
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      // Time spent by the caller between reads (writing to disk) does not count as a stall.
      lastProgress = System.nanoTime();
      int n;
      try {
        n = in.read(b, off, len);
      } catch (IOException e) {
        if (stalled) {
          throw new IOException("no data for " + Duration.ofNanos(idleNanos), e);
        }
        throw e;
      }
      if (stalled) {
        throw new IOException("no data for " + Duration.ofNanos(idleNanos));
      }
      lastProgress = System.nanoTime();
      return n;
    }

    @Override
    public void close() throws IOException {
      check.cancel(false);
      super.close();
    }
  }
}
