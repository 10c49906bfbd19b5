package io.tessera.storage.content;

import io.tessera.kernel.errors.AlreadyExistsException;
import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.NotFoundException;
import io.tessera.kernel.errors.ResourceExhaustedException;
import io.tessera.kernel.errors.TesseraException;
import io.tessera.kernel.errors.UnavailableException;
import io.tessera.kernel.errors.UnimplementedException;

/** Helpers for the domain exception family. */
final class ContentErrors {
  private ContentErrors() {}

  /** A new exception of the same kind as {@code e}, with {@code message} and {@code e} as cause. */
  static TesseraException sameKind(TesseraException e, String message) {
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
    } else {
      return new InternalException(message, e);
    }
  }
}
