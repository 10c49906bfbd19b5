package io.tessera.kernel.errors;

/** The request asks for a feature Tessera does not implement (yet); said plainly, not faked. */
public final class UnimplementedException extends TesseraException {
  private static final long serialVersionUID = 1L;

  public UnimplementedException(String message) {
    super(message, null);
  }

  public UnimplementedException(String message, Throwable cause) {
    super(message, cause);
  }
}
