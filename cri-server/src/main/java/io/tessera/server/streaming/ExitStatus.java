package io.tessera.server.streaming;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * How an exec or attach ended, as its error stream reports it.
 *
 * <p>Protocols v4 and v5 carry a JSON metav1 Status (client-go turns reason {@code NonZeroExitCode}
 * with an {@code ExitCode} cause into the exit code); older protocols carry the plain message of a
 * failure and nothing on success. Field order follows Go's encoding of the Status struct, empty
 * fields left out as it does.
 *
 * @param kind what happened
 * @param exitCode the exit code for {@link Kind#NON_ZERO_EXIT}, else 0
 * @param detail what failed (the command and its code, or the error)
 */
record ExitStatus(Kind kind, int exitCode, String detail) {
  private static final ObjectMapper JSON = new ObjectMapper();

  enum Kind {
    SUCCESS,
    NON_ZERO_EXIT,
    INTERNAL_ERROR
  }

  ExitStatus {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(detail, "detail");
  }

  static ExitStatus success() {
    return new ExitStatus(Kind.SUCCESS, 0, "");
  }

  static ExitStatus nonZeroExit(int code, String detail) {
    return new ExitStatus(Kind.NON_ZERO_EXIT, code, detail);
  }

  static ExitStatus internalError(String detail) {
    return new ExitStatus(Kind.INTERNAL_ERROR, 0, detail);
  }

  /** The payload for the error stream; empty when nothing is to be written. */
  Optional<byte[]> encode(boolean structured) {
    if (structured) {
      return Optional.of(json().toString().getBytes(StandardCharsets.UTF_8));
    }
    return kind == Kind.SUCCESS
        ? Optional.empty()
        : Optional.of(message().getBytes(StandardCharsets.UTF_8));
  }

  /** The Status object of protocols v4 and v5. */
  ObjectNode json() {
    ObjectNode status = JSON.createObjectNode();
    status.putObject("metadata");
    if (kind == Kind.SUCCESS) {
      status.put("status", "Success");
      return status;
    }
    status.put("status", "Failure");
    status.put("message", message());
    if (kind == Kind.NON_ZERO_EXIT) {
      status.put("reason", "NonZeroExitCode");
      ObjectNode cause = status.putObject("details").putArray("causes").addObject();
      cause.put("reason", "ExitCode");
      cause.put("message", Integer.toString(exitCode));
    } else {
      status.put("reason", "InternalError");
      status.putObject("details").putArray("causes").addObject().put("message", detail);
      status.put("code", 500);
    }
    return status;
  }

  /** The Status message, which older protocols send alone. */
  String message() {
    return switch (kind) {
      case SUCCESS -> "";
      case NON_ZERO_EXIT -> "command terminated with non-zero exit code: " + detail;
      case INTERNAL_ERROR -> "Internal error occurred: " + detail;
    };
  }
}
