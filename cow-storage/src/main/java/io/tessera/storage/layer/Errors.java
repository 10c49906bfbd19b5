package io.tessera.storage.layer;

import io.tessera.kernel.errors.AlreadyExistsException;
import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.NotFoundException;
import io.tessera.kernel.errors.ResourceExhaustedException;
import io.tessera.kernel.errors.TesseraException;
import io.tessera.kernel.errors.UnavailableException;
import io.tessera.kernel.errors.UnimplementedException;

/** Adds context to a domain exception while keeping its kind (and so its gRPC status). */
final class Errors {
  private Errors() {}

  static TesseraException prefixed(String prefix, TesseraException e) {
    String message = prefix + e.getMessage();
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
