package io.tessera.kernel.errors;

/** A limit of the host or of Tessera's configuration was reached. */
public final class ResourceExhaustedException extends TesseraException {
  private static final long serialVersionUID = 1L;

  public ResourceExhaustedException(String message) {
    super(message, null);
  }

  public ResourceExhaustedException(String message, Throwable cause) {
    super(message, cause);
  }
}
