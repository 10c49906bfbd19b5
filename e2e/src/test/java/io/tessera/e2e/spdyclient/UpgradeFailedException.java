package io.tessera.e2e.spdyclient;

/**
 * The server answered the upgrade request with something other than 101 Switching Protocols (a 404
 * for a used, expired or unknown token, for example), or chose a protocol not offered.
 */
public final class UpgradeFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String body;

  UpgradeFailedException(int status, String body, String message) {
    super(message);
    this.status = status;
    this.body = body;
  }

  /** The HTTP status code of the answer (101 if the protocol chosen was not one offered). */
  public int status() {
    return status;
  }

  /** The answer's body, as text. */
  public String body() {
    return body;
  }
}
