package io.tessera.kernel.errors;

/** The request is valid but the object is in a state that does not allow it now. */
public final class FailedPreconditionException extends TesseraException {
  private static final long serialVersionUID = 1L;

  public FailedPreconditionException(String message) {
    super(message, null);
  }

  public FailedPreconditionException(String message, Throwable cause) {
    super(message, cause);
  }
}
