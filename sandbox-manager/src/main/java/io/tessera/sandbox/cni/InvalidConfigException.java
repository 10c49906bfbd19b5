package io.tessera.sandbox.cni;

/** A network config file that cannot be used, and why; collected into the not-ready message. */
final class InvalidConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  InvalidConfigException(String message) {
    super(message);
  }

  InvalidConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
