package io.tessera.kernel.errors;

/** Tessera cannot serve the request now (starting, recovering, shutting down); retry later. */
public final class UnavailableException extends TesseraException {
  private static final long serialVersionUID = 1L;

  public UnavailableException(String message) {
    super(message, null);
  }

  public UnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
