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
}
