package io.tessera.kernel.errors;

/** The request is malformed or names a value that can never be valid. */
public final class InvalidArgumentException extends TesseraException {
  private static final long serialVersionUID = 1L;

  public InvalidArgumentException(String message) {
    super(message, null);
  }

  public InvalidArgumentException(String message, Throwable cause) {
    super(message, cause);
  }
}
