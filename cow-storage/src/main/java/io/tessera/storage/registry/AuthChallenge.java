package io.tessera.storage.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One challenge of a {@code WWW-Authenticate} header (RFC 7235 section 4.1), e.g. {@code Bearer
 * realm="https://auth.example/token",service="registry.example"}.
 *
 * <p>The parser is hand-written because the JDK has none and the ones in HTTP libraries are not
 * exposed; the grammar is small but commas separate both parameters and challenges, and quoted
 * strings may contain commas, equals signs and backslash escapes.
 *
 * @param scheme the auth scheme, lowercased ({@code bearer}, {@code basic})
 * @param params parameter names lowercased, values unquoted; a token68 value is under key {@code
 *     ""}
 */
record AuthChallenge(String scheme, Map<String, String> params) {

  AuthChallenge {
    params = Map.copyOf(params);
  }

  /** The value of parameter {@code name} (case-insensitive), or null. */
  String param(String name) {
    return params.get(name.toLowerCase(Locale.ROOT));
  }

  boolean isBearer() {
    return scheme.equals("bearer");
  }

  boolean isBasic() {
    return scheme.equals("basic");
  }

  /** Parses every challenge in every header value, in order; malformed tails are dropped. */
  static List<AuthChallenge> parse(List<String> headerValues) {
    List<AuthChallenge> all = new ArrayList<>();
    for (String value : headerValues) {
      all.addAll(new Parser(value).challenges());
    }
    return all;
  }

  static List<AuthChallenge> parse(String headerValue) {
    return parse(List.of(headerValue));
  }

  private static final class Parser {
    private final String s;
    private int pos;

    Parser(String s) {
      this.s = s;
    }

    List<AuthChallenge> challenges() {
      List<AuthChallenge> out = new ArrayList<>();
      while (true) {
        skipSeparators();
        if (atEnd()) {
          return out;
        }
        String scheme = token();
        if (scheme.isEmpty()) {
          return out; // not a token where a scheme must be: give up on the rest
        }
        Map<String, String> params = new LinkedHashMap<>();
        boolean wellFormed = params(params);
        out.add(new AuthChallenge(scheme.toLowerCase(Locale.ROOT), params));
        if (!wellFormed) {
          return out;
        }
      }
    }

    /**
     * Reads the parameters of one challenge; stops before the next challenge's scheme. Returns
     * false when the input was malformed (parsing stops).
     */
    private boolean params(Map<String, String> params) {
      skipSpaces();
      String token68 = token68();
      if (token68 != null) {
        params.put("", token68);
        return true;
      }
      while (true) {
        skipSpaces();
        if (atEnd()) {
          return true;
        }
        if (peek() == ',') {
          skipSeparators();
          if (atEnd()) {
            return true;
          }
        }
        int mark = pos;
        String name = token();
        if (name.isEmpty()) {
          return false;
        }
        skipSpaces();
        if (atEnd() || peek() != '=') {
          // A token without '=' is the scheme of the next challenge.
          pos = mark;
          return true;
        }
        pos++; // '='
        skipSpaces();
        String value;
        if (!atEnd() && peek() == '"') {
          value = quoted();
          if (value == null) {
            return false;
          }
        } else {
          value = token();
        }
        params.put(name.toLowerCase(Locale.ROOT), value);
      }
    }

    /**
     * A token68 (e.g. {@code abc==}) that is all this challenge carries, or null with the position
     * unchanged. {@code name=value} is told apart by what follows the {@code =}.
     */
    private String token68() {
      int start = pos;
      while (!atEnd() && isToken68Char(peek())) {
        pos++;
      }
      if (pos == start) {
        return null;
      }
      while (!atEnd() && peek() == '=') {
        pos++;
      }
      int end = pos;
      skipSpaces();
      if (atEnd() || peek() == ',') {
        return s.substring(start, end);
      }
      pos = start;
      return null;
    }

    private String quoted() {
      StringBuilder b = new StringBuilder();
      pos++; // opening quote
      while (!atEnd()) {
        char c = s.charAt(pos++);
        if (c == '\\') {
          if (atEnd()) {
            return null;
          }
          b.append(s.charAt(pos++));
        } else if (c == '"') {
          return b.toString();
        } else {
          b.append(c);
        }
      }
      return null; // unterminated
    }

    private String token() {
      int start = pos;
      while (!atEnd() && isTokenChar(peek())) {
        pos++;
      }
      return s.substring(start, pos);
    }

    private void skipSpaces() {
      while (!atEnd() && (peek() == ' ' || peek() == '\t')) {
        pos++;
      }
    }

    private void skipSeparators() {
      while (!atEnd() && (peek() == ' ' || peek() == '\t' || peek() == ',')) {
        pos++;
      }
    }

    private boolean atEnd() {
      return pos >= s.length();
    }

    private char peek() {
      return s.charAt(pos);
    }

    private static boolean isTokenChar(char c) {
      return (c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    private static boolean isToken68Char(char c) {
      return (c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "-._~+/".indexOf(c) >= 0;
    }
  }
}
