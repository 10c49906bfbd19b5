package io.tessera.e2e.spdyclient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * How a remote command ended, read from the error stream as client-go's errorDecoderV4 does: a
 * metav1.Status JSON, {@code Success}, or {@code Failure} with reason {@code NonZeroExitCode} and a
 * cause of type (JSON {@code reason}) {@code ExitCode} whose message is the code; any other Failure
 * carries a message and no code. Before v4 the error stream is plain text: empty is success,
 * anything else a message.
 *
 * @param status "Success" or "Failure"
 * @param reason the Status reason ("NonZeroExitCode", ...), or "" when none
 * @param message the Status message, or the plain text of a pre-v4 error stream
 * @param code the exit code, or null when the failure is not an exit code
 * @param raw the error stream as received
 */
public record ExitStatus(String status, String reason, String message, Integer code, String raw) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Decodes the error stream of a session that negotiated {@code protocol}. */
  public static ExitStatus decode(String protocol, byte[] errorStream) {
    String raw = new String(errorStream, StandardCharsets.UTF_8);
    if (!RemoteCommandSession.V4.equals(protocol)) {
      return raw.isEmpty()
          ? new ExitStatus("Success", "", "", 0, raw)
          : new ExitStatus("Failure", "", raw, null, raw);
    }
    if (raw.isEmpty()) {
      // client-go reads an empty v4 error stream as success too
      return new ExitStatus("Success", "", "", 0, raw);
    }
    JsonNode s;
    try {
      s = JSON.readTree(raw);
    } catch (IOException e) {
      throw new UncheckedIOException("error stream is not a Status JSON: " + raw, e);
    }
    String status = s.path("status").asText("");
    String reason = s.path("reason").asText("");
    String message = s.path("message").asText("");
    if ("Success".equals(status)) {
      return new ExitStatus(status, reason, message, 0, raw);
    }
    if (!"Failure".equals(status)) {
      throw new IllegalArgumentException(
          "error stream Status is neither Success nor Failure: " + raw);
    }
    if ("NonZeroExitCode".equals(reason)) {
      for (JsonNode cause : s.path("details").path("causes")) {
        if ("ExitCode".equals(cause.path("reason").asText())) {
          String code = cause.path("message").asText();
          if (!code.matches("\\d{1,3}") || Integer.parseInt(code) > 255) {
            throw new IllegalArgumentException("invalid exit code " + code + " in " + raw);
          }
          return new ExitStatus(status, reason, message, Integer.parseInt(code), raw);
        }
      }
      throw new IllegalArgumentException("NonZeroExitCode without an ExitCode cause: " + raw);
    }
    return new ExitStatus(status, reason, message, null, raw);
  }

  /** The exit code; fails when the command ended in an error that is not an exit code. */
  public int exitCode() {
    if (code == null) {
      throw new IllegalStateException("no exit code: " + raw);
    }
    return code;
  }
}
