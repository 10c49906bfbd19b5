package io.tessera.kernel.errors;

/** Something failed that the caller could not have prevented: a bug or a host fault. */
public final class InternalException extends TesseraException {
  private static final long serialVersionUID = 1L;

  public InternalException(String message) {
    super(message, null);
  }

  public InternalException(String message, Throwable cause) {
    super(message, cause);
  }
}
