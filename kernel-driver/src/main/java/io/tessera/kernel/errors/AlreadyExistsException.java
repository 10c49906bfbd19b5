package io.tessera.kernel.errors;

/** An object with the requested name or id exists already. */
public final class AlreadyExistsException extends TesseraException {
  private static final long serialVersionUID = 1L;

  public AlreadyExistsException(String message) {
    super(message, null);
  }

  public AlreadyExistsException(String message, Throwable cause) {
    super(message, cause);
  }
}
