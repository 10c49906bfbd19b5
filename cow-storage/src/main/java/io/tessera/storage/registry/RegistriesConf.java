package io.tessera.storage.registry;

import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.storage.ref.ImageReference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Registry rules from containers-registries.conf(5), version 2: where an image is really pulled
 * from, through which mirrors, over HTTP or HTTPS, or not at all.
 *
 * <p>A reference is matched against each {@code [[registry]]} {@code prefix} (a {@code host[:port]
 * [/path...]} prefix that must end at a {@code /}, {@code :} or {@code @} boundary, or a {@code
 * *.domain} wildcard on the host); the longest match wins. Its {@code location} replaces the
 * matched prefix, and so does each {@code [[registry.mirror]]} {@code location} for that mirror.
 * {@code insecure} means plain HTTP. Registries on loopback addresses ({@code localhost}, {@code
 * 127.0.0.0/8}, {@code [::1]}) are insecure unless a rule sets {@code insecure = false}. {@code
 * unqualified-search-registries} is accepted and not used: Tessera normalises short names to
 * docker.io as the kubelet expects. Drop-in directories (registries.conf.d) are not read.
 *
 * <p>Immutable and thread-safe.
 */
public final class RegistriesConf {

  /** Where CRI-O and Podman keep the file. */
  public static final Path DEFAULT_PATH = Path.of("/etc/containers/registries.conf");

  private static final RegistriesConf EMPTY = new RegistriesConf(List.of());
  private static final Pattern IPV4_LOOPBACK =
      Pattern.compile("127\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}");

  /** Which pulls a mirror serves ({@code pull-from-mirror}). */
  enum PullFrom {
    ALL,
    DIGEST_ONLY,
    TAG_ONLY
  }

  record Mirror(String location, Optional<Boolean> insecure, PullFrom pullFrom) {}

  record Rule(
      String prefix,
      boolean wildcard,
      String location,
      Optional<Boolean> insecure,
      boolean blocked,
      boolean mirrorByDigestOnly,
      List<Mirror> mirrors) {}

  private final List<Rule> rules;

  private RegistriesConf(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  /** No rules: every image is pulled from the registry it names. */
  public static RegistriesConf empty() {
    return EMPTY;
  }

  /**
   * Reads {@code file}; a missing file is an empty configuration.
   *
   * @throws InvalidArgumentException when the file is not a valid version 2 registries.conf
   * @throws UncheckedIOException when the file exists but cannot be read
   */
  public static RegistriesConf load(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      return EMPTY;
    } catch (IOException e) {
      throw new UncheckedIOException("read " + file, e);
    }
    return parse(text, file.toString());
  }

  /**
   * Parses registries.conf TOML.
   *
   * @param source names the text in error messages (usually its path)
   * @throws InvalidArgumentException naming the source and what is wrong
   */
  public static RegistriesConf parse(String toml, String source) {
    RegistriesConfJson json;
    try {
      json = new TomlMapper().readValue(toml, RegistriesConfJson.class);
    } catch (IOException e) {
      throw new InvalidArgumentException(source + ": not valid registries.conf TOML: " + e, e);
    }
    if (json == null) {
      return EMPTY;
    }
    if (json.registries != null) {
      throw new InvalidArgumentException(
          source + ": version 1 format ([registries.*] tables) is not supported; use [[registry]]");
    }
    List<Rule> rules = new ArrayList<>();
    Set<String> prefixes = new HashSet<>();
    if (json.registry != null) {
      for (int i = 0; i < json.registry.size(); i++) {
        Rule rule = rule(json.registry.get(i), source + ": [[registry]] #" + (i + 1));
        if (!prefixes.add(rule.prefix())) {
          throw new InvalidArgumentException(
              source + ": prefix \"" + rule.prefix() + "\" is defined twice");
        }
        rules.add(rule);
      }
    }
    return new RegistriesConf(rules);
  }

  /**
   * The endpoints to try for {@code reference}, in order: the mirrors that serve this kind of pull
   * (by tag or by digest), then the (possibly relocated) registry itself.
   *
   * @throws FailedPreconditionException when the matching rule blocks the registry
   */
  public List<RegistryEndpoint> endpoints(ImageReference reference) {
    Optional<Rule> match = match(reference);
    if (match.isEmpty()) {
      return List.of(RegistryEndpoint.direct(reference));
    }
    Rule rule = match.get();
    if (rule.blocked()) {
      throw new FailedPreconditionException(
          "pull "
              + reference
              + ": registry blocked by registries.conf rule for prefix \""
              + rule.prefix()
              + "\"");
    }
    String matched = rule.wildcard() ? reference.registry() : rule.prefix();
    boolean byDigest = reference.digest().isPresent();
    List<RegistryEndpoint> endpoints = new ArrayList<>();
    if (!rule.mirrorByDigestOnly() || byDigest) {
      for (Mirror m : rule.mirrors()) {
        boolean serves =
            switch (m.pullFrom()) {
              case ALL -> true;
              case DIGEST_ONLY -> byDigest;
              case TAG_ONLY -> !byDigest;
            };
        if (serves) {
          ImageReference at = rewrite(reference, matched, m.location());
          endpoints.add(
              new RegistryEndpoint(
                  at, m.insecure().orElseGet(() -> isLoopback(at.registry())), true));
        }
      }
    }
    ImageReference primary =
        rule.wildcard() ? reference : rewrite(reference, matched, rule.location());
    endpoints.add(
        new RegistryEndpoint(
            primary, rule.insecure().orElseGet(() -> isLoopback(primary.registry())), false));
    return List.copyOf(endpoints);
  }

  /** The rule with the longest prefix matching {@code reference}. */
  Optional<Rule> match(ImageReference reference) {
    String full = reference.toString();
    Rule best = null;
    int bestLength = -1;
    for (Rule r : rules) {
      int length = -1;
      if (r.wildcard()) {
        String host = hostOf(reference.registry());
        String suffix = r.prefix().substring(1); // ".example.com"
        if (host.endsWith(suffix) && host.length() > suffix.length()) {
          length = r.prefix().length();
        }
      } else if (full.startsWith(r.prefix())) {
        if (full.length() == r.prefix().length()
            || "/:@".indexOf(full.charAt(r.prefix().length())) >= 0) {
          length = r.prefix().length();
        }
      }
      if (length > bestLength) {
        best = r;
        bestLength = length;
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * True for registries on a loopback address: {@code localhost}, {@code 127.0.0.0/8}, {@code
   * [::1]} (any port).
   */
  public static boolean isLoopback(String registry) {
    String host = hostOf(registry).toLowerCase(Locale.ROOT);
    if (host.equals("localhost")) {
      return true;
    }
    if (IPV4_LOOPBACK.matcher(host).matches()) {
      return true;
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      String literal = host.substring(1, host.length() - 1);
      int zone = literal.indexOf('%');
      if (zone >= 0) {
        literal = literal.substring(0, zone);
      }
      try {
        // A literal never triggers a name lookup.
        return InetAddress.getByName(literal).isLoopbackAddress();
      } catch (UnknownHostException e) {
        return false;
      }
    }
    return false;
  }

  private static String hostOf(String registry) {
    if (registry.startsWith("[")) {
      int close = registry.indexOf(']');
      return close < 0 ? registry : registry.substring(0, close + 1);
    }
    int colon = registry.indexOf(':');
    return colon < 0 ? registry : registry.substring(0, colon);
  }

  private static ImageReference rewrite(ImageReference reference, String prefix, String location) {
    String rewritten = location + reference.toString().substring(prefix.length());
    try {
      return ImageReference.parse(rewritten);
    } catch (InvalidArgumentException e) {
      throw new InvalidArgumentException(
          "registries.conf: location \""
              + location
              + "\" turns "
              + reference
              + " into an invalid reference: "
              + e.getMessage(),
          e);
    }
  }

  private static Rule rule(RegistriesConfJson.RegistryJson r, String where) {
    String prefix = blankToNull(r.prefix);
    String location = blankToNull(r.location);
    if (prefix == null && location == null) {
      throw new InvalidArgumentException(where + ": needs a prefix or a location");
    }
    boolean wildcard = prefix != null && prefix.startsWith("*.");
    if (wildcard) {
      if (location != null) {
        throw new InvalidArgumentException(
            where + ": a wildcard prefix (" + prefix + ") must not have a location");
      }
      if (prefix.indexOf('/') >= 0 || prefix.indexOf('*', 1) >= 0) {
        throw new InvalidArgumentException(
            where + ": a wildcard prefix is *.domain, without a path: " + prefix);
      }
    } else if (prefix != null && prefix.indexOf('*') >= 0) {
      throw new InvalidArgumentException(
          where + ": '*' is allowed only as a leading \"*.\" in a prefix: " + prefix);
    }
    if (prefix == null) {
      prefix = location;
    }
    if (location == null && !wildcard) {
      location = prefix;
    }
    List<Mirror> mirrors = new ArrayList<>();
    if (r.mirror != null) {
      for (int i = 0; i < r.mirror.size(); i++) {
        RegistriesConfJson.MirrorJson m = r.mirror.get(i);
        String mirrorWhere = where + " mirror #" + (i + 1);
        if (blankToNull(m.location) == null) {
          throw new InvalidArgumentException(mirrorWhere + ": missing location");
        }
        mirrors.add(
            new Mirror(
                m.location.trim(), Optional.ofNullable(m.insecure), pullFrom(m, mirrorWhere)));
      }
    }
    return new Rule(
        prefix,
        wildcard,
        location,
        Optional.ofNullable(r.insecure),
        Boolean.TRUE.equals(r.blocked),
        Boolean.TRUE.equals(r.mirrorByDigestOnly),
        mirrors);
  }

  private static PullFrom pullFrom(RegistriesConfJson.MirrorJson m, String where) {
    String v = blankToNull(m.pullFromMirror);
    if (v == null || v.equals("all")) {
      return PullFrom.ALL;
    }
    return switch (v) {
      case "digest-only" -> PullFrom.DIGEST_ONLY;
      case "tag-only" -> PullFrom.TAG_ONLY;
      default ->
          throw new InvalidArgumentException(
              where + ": pull-from-mirror \"" + v + "\" is not all, digest-only or tag-only");
    };
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  @Override
  public String toString() {
    return "RegistriesConf" + rules;
  }
}
