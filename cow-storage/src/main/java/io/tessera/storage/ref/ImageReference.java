package io.tessera.storage.ref;

import io.tessera.kernel.errors.InvalidArgumentException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A fully qualified image reference: registry, repository path, and a tag, a digest or both.
 *
 * <p>{@link #parse} accepts what {@code docker pull} and the kubelet accept and normalises it the
 * way Docker does: {@code busybox} is {@code docker.io/library/busybox:latest}, {@code foo/bar} is
 * {@code docker.io/foo/bar:latest}; the first path component is a registry when it contains a
 * {@code .} or a {@code :}, is {@code localhost}, or has an uppercase letter. The tag {@code
 * latest} is added only when neither tag nor digest is given. When both are present the digest
 * decides what is pulled; the tag is kept for display. Immutable and thread-safe.
 *
 * @param registry {@code host[:port]}, e.g. {@code docker.io}, {@code 127.0.0.1:5000}, {@code
 *     [::1]:5000}
 * @param repository the path within the registry, e.g. {@code library/busybox}
 * @param tag the tag, if any
 * @param digest the manifest (or index) digest, if any
 */
public record ImageReference(
    String registry, String repository, Optional<String> tag, Optional<Digest> digest) {

  /** The registry a reference without one names, as Docker spells it. */
  public static final String DOCKER_HUB = "docker.io";

  private static final String LEGACY_DOCKER_HUB = "index.docker.io";
  private static final String DEFAULT_TAG = "latest";
  private static final int MAX_NAME_LENGTH = 255;

  private static final Pattern DOMAIN_COMPONENT =
      Pattern.compile("[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]");
  private static final Pattern IPV6_HOST = Pattern.compile("\\[[0-9a-fA-F:.]+(%[\\w.]+)?]");
  private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");
  private static final Pattern PATH_COMPONENT =
      Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
  private static final Pattern HEX64 = Pattern.compile("[a-f0-9]{64}");

  /**
   * Validates every part; a one-component Docker Hub repository gets its implied {@code library/}.
   *
   * @throws InvalidArgumentException when a part is malformed or neither tag nor digest is given
   */
  public ImageReference {
    Objects.requireNonNull(tag, "tag");
    Objects.requireNonNull(digest, "digest");
    if (LEGACY_DOCKER_HUB.equals(registry)) {
      registry = DOCKER_HUB;
    }
    if (DOCKER_HUB.equals(registry) && repository != null && repository.indexOf('/') < 0) {
      repository = "library/" + repository;
    }
    String shown = registry + "/" + repository;
    checkRegistry(shown, registry);
    checkRepository(shown, repository);
    if (registry.length() + 1 + repository.length() > MAX_NAME_LENGTH) {
      throw new InvalidArgumentException(
          "image reference " + shown + ": name longer than " + MAX_NAME_LENGTH + " characters");
    }
    tag.ifPresent(t -> checkTag(shown, t));
    if (tag.isEmpty() && digest.isEmpty()) {
      throw new InvalidArgumentException(
          "image reference " + shown + ": needs a tag or a digest to name an image");
    }
  }

  /** A reference by tag. */
  public static ImageReference of(String registry, String repository, String tag) {
    return new ImageReference(registry, repository, Optional.of(tag), Optional.empty());
  }

  /** A reference by digest. */
  public static ImageReference of(String registry, String repository, Digest digest) {
    return new ImageReference(registry, repository, Optional.empty(), Optional.of(digest));
  }

  /**
   * Parses and normalises a reference as Docker does.
   *
   * @throws InvalidArgumentException naming what is wrong with {@code text}
   */
  public static ImageReference parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new InvalidArgumentException("image reference: empty");
    }
    if (!text.strip().equals(text)) {
      throw new InvalidArgumentException(
          "image reference \"" + text + "\": leading or trailing whitespace");
    }
    if (HEX64.matcher(text).matches()) {
      throw new InvalidArgumentException(
          "image reference \""
              + text
              + "\": a 64-character hex string is an image id, not a repository name");
    }
    String rest = text;
    Optional<Digest> digest = Optional.empty();
    int at = rest.indexOf('@');
    if (at >= 0) {
      String digestText = rest.substring(at + 1);
      try {
        digest = Optional.of(Digest.parse(digestText));
      } catch (InvalidArgumentException e) {
        throw new InvalidArgumentException(
            "image reference \"" + text + "\": bad digest: " + e.getMessage(), e);
      }
      rest = rest.substring(0, at);
    }
    Optional<String> tag = Optional.empty();
    int lastSlash = rest.lastIndexOf('/');
    int colon = rest.indexOf(':', lastSlash + 1);
    if (colon >= 0) {
      String tagText = rest.substring(colon + 1);
      if (!TAG.matcher(tagText).matches()) {
        throw new InvalidArgumentException(
            "image reference \""
                + text
                + "\": bad tag \""
                + tagText
                + "\" (1-128 of [A-Za-z0-9_.-], not starting with . or -)");
      }
      tag = Optional.of(tagText);
      rest = rest.substring(0, colon);
    }
    if (rest.isEmpty()) {
      throw new InvalidArgumentException("image reference \"" + text + "\": missing name");
    }

    String registry;
    String repository;
    int slash = rest.indexOf('/');
    String first = slash < 0 ? rest : rest.substring(0, slash);
    if (slash >= 0 && looksLikeRegistry(first)) {
      registry = first;
      repository = rest.substring(slash + 1);
    } else {
      registry = DOCKER_HUB;
      repository = rest;
    }
    if (registry.equals(LEGACY_DOCKER_HUB)) {
      registry = DOCKER_HUB;
    }
    if (registry.equals(DOCKER_HUB) && repository.indexOf('/') < 0) {
      repository = "library/" + repository;
    }
    if (!repository.toLowerCase(Locale.ROOT).equals(repository)) {
      throw new InvalidArgumentException(
          "image reference \"" + text + "\": repository name must be lowercase");
    }
    if (tag.isEmpty() && digest.isEmpty()) {
      tag = Optional.of(DEFAULT_TAG);
    }
    try {
      return new ImageReference(registry, repository, tag, digest);
    } catch (InvalidArgumentException e) {
      throw new InvalidArgumentException("image reference \"" + text + "\": " + e.getMessage(), e);
    }
  }

  /** {@code registry/repository}, without tag or digest. */
  public String name() {
    return registry + "/" + repository;
  }

  /**
   * What to ask the registry's manifest endpoint for: the digest when there is one (it pins the
   * content), else the tag.
   */
  public String tagOrDigest() {
    return digest.map(Digest::toString).orElseGet(tag::orElseThrow);
  }

  /** This reference with {@code newTag} and no digest. */
  public ImageReference withTag(String newTag) {
    return new ImageReference(registry, repository, Optional.of(newTag), Optional.empty());
  }

  /** This reference pinned to {@code newDigest}, keeping its tag for display. */
  public ImageReference withDigest(Digest newDigest) {
    return new ImageReference(registry, repository, tag, Optional.of(newDigest));
  }

  /** This reference by digest only ({@code name@digest}), the form CRI calls a repo digest. */
  public ImageReference byDigest(Digest newDigest) {
    return new ImageReference(registry, repository, Optional.empty(), Optional.of(newDigest));
  }

  /** The same image in another place (a mirror): same tag and digest, other registry/path. */
  public ImageReference relocate(String newRegistry, String newRepository) {
    return new ImageReference(newRegistry, newRepository, tag, digest);
  }

  /** The canonical full form, {@code registry/repository[:tag][@digest]}; parses back equal. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(name());
    tag.ifPresent(t -> b.append(':').append(t));
    digest.ifPresent(d -> b.append('@').append(d));
    return b.toString();
  }

  /**
   * The short form people type: Docker Hub's {@code docker.io/} and {@code library/} dropped, e.g.
   * {@code busybox:1.36}. Parses back to an equal reference.
   */
  public String familiar() {
    String full = toString();
    if (!registry.equals(DOCKER_HUB)) {
      return full;
    }
    String path = full.substring(DOCKER_HUB.length() + 1);
    if (path.startsWith("library/") && repository.indexOf('/', "library/".length()) < 0) {
      return path.substring("library/".length());
    }
    int slash = repository.indexOf('/');
    // "docker.io/a.b/c" must keep its registry: "a.b/c" would name registry a.b.
    if (slash > 0 && looksLikeRegistry(repository.substring(0, slash))) {
      return full;
    }
    return path;
  }

  private static boolean looksLikeRegistry(String component) {
    return component.indexOf('.') >= 0
        || component.indexOf(':') >= 0
        || component.equals("localhost")
        || !component.toLowerCase(Locale.ROOT).equals(component);
  }

  private static void checkRegistry(String shown, String registry) {
    if (registry == null || registry.isEmpty()) {
      throw new InvalidArgumentException("image reference " + shown + ": empty registry");
    }
    String host = registry;
    String port = null;
    if (registry.startsWith("[")) {
      int close = registry.indexOf(']');
      if (close < 0) {
        throw new InvalidArgumentException(
            "image reference " + shown + ": unterminated IPv6 address in registry " + registry);
      }
      host = registry.substring(0, close + 1);
      String after = registry.substring(close + 1);
      if (!after.isEmpty()) {
        if (!after.startsWith(":")) {
          throw new InvalidArgumentException(
              "image reference " + shown + ": bad registry " + registry);
        }
        port = after.substring(1);
      }
      if (!IPV6_HOST.matcher(host).matches()) {
        throw new InvalidArgumentException(
            "image reference " + shown + ": bad IPv6 address in registry " + registry);
      }
    } else {
      int colon = registry.indexOf(':');
      if (colon >= 0) {
        host = registry.substring(0, colon);
        port = registry.substring(colon + 1);
      }
      for (String component : host.split("\\.", -1)) {
        if (!DOMAIN_COMPONENT.matcher(component).matches()) {
          throw new InvalidArgumentException(
              "image reference "
                  + shown
                  + ": bad registry host \""
                  + host
                  + "\" (letters, digits, inner '-', components separated by '.')");
        }
      }
    }
    if (port != null && (!PORT.matcher(port).matches() || Integer.parseInt(port) > 65535)) {
      throw new InvalidArgumentException(
          "image reference " + shown + ": bad registry port \"" + port + "\"");
    }
  }

  private static void checkRepository(String shown, String repository) {
    if (repository == null || repository.isEmpty()) {
      throw new InvalidArgumentException("image reference " + shown + ": empty repository");
    }
    for (String component : repository.split("/", -1)) {
      if (!PATH_COMPONENT.matcher(component).matches()) {
        throw new InvalidArgumentException(
            "image reference "
                + shown
                + ": bad repository path component \""
                + component
                + "\" (lowercase letters and digits, separated by '.', '_', '__' or '-')");
      }
    }
  }

  private static void checkTag(String shown, String tag) {
    if (!TAG.matcher(tag).matches()) {
      throw new InvalidArgumentException(
          "image reference "
              + shown
              + ": bad tag \""
              + tag
              + "\" (1-128 of [A-Za-z0-9_.-], not starting with . or -)");
    }
  }
}
