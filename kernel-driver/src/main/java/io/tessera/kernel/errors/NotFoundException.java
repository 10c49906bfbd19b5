package io.tessera.kernel.errors;

/** The object named by the request (pod, container, image, ...) does not exist. */
public final class NotFoundException extends TesseraException {
  private static final long serialVersionUID = 1L;

  public NotFoundException(String message) {
    super(message, null);
  }

  public NotFoundException(String message, Throwable cause) {
    super(message, cause);
  }
}
