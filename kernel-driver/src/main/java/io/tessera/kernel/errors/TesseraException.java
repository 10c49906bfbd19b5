package io.tessera.kernel.errors;

/**
 * The one exception family of Tessera's domain. Each subclass names a kind of failure that callers
 * (above all the gRPC edge, which maps each kind to exactly one status code) treat differently.
 *
 * <p>Messages say what failed, on which object, and why; the cause is chained, never swallowed. It
 * lives in kernel-driver only because that is the module every other module depends on.
 */
public abstract sealed class TesseraException extends RuntimeException
    permits NotFoundException,
        AlreadyExistsException,
        InvalidArgumentException,
        FailedPreconditionException,
        ResourceExhaustedException,
        UnavailableException,
        UnimplementedException,
        InternalException {

  private static final long serialVersionUID = 1L;

  protected TesseraException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * A new exception of the same kind as {@code e} with a message that adds context (typically "what
   * was being done: " + e's message), chaining {@code e} as the cause.
   */
  public static TesseraException sameKind(TesseraException e, String message) {
    if (e instanceof NotFoundException) {
      return new NotFoundException(message, e);
    } else if (e instanceof AlreadyExistsException) {
      return new AlreadyExistsException(message, e);
    } else if (e instanceof InvalidArgumentException) {
      return new InvalidArgumentException(message, e);
    } else if (e instanceof FailedPreconditionException) {
      return new FailedPreconditionException(message, e);
    } else if (e instanceof ResourceExhaustedException) {
      return new ResourceExhaustedException(message, e);
    } else if (e instanceof UnavailableException) {
      return new UnavailableException(message, e);
    } else if (e instanceof UnimplementedException) {
      return new UnimplementedException(message, e);
    }
    return new InternalException(message, e);
  }
}
