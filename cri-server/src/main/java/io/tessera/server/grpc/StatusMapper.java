package io.tessera.server.grpc;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.tessera.kernel.errors.AlreadyExistsException;
import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.NotFoundException;
import io.tessera.kernel.errors.ResourceExhaustedException;
import io.tessera.kernel.errors.TesseraException;
import io.tessera.kernel.errors.UnavailableException;
import io.tessera.kernel.errors.UnimplementedException;

/**
 * The one place where failures become gRPC statuses. Domain exceptions map by kind; a status
 * already chosen by a handler is kept; anything else is a bug and becomes INTERNAL with its
 * message, never UNKNOWN.
 */
public final class StatusMapper {
  private StatusMapper() {}

  public static Status toStatus(Throwable t) {
    if (t instanceof StatusRuntimeException e) {
      return notUnknown(e.getStatus());
    }
    if (t instanceof StatusException e) {
      return notUnknown(e.getStatus());
    }
    if (t instanceof TesseraException e) {
      return codeOf(e).withDescription(describe(e)).withCause(e);
    }
    return Status.INTERNAL.withDescription("internal error: " + describe(t)).withCause(t);
  }

  /** A status set by code (ours or grpc's) that is UNKNOWN gets its cause mapped instead. */
  static Status notUnknown(Status s) {
    if (s.getCode() != Status.Code.UNKNOWN) {
      return s;
    }
    if (s.getCause() != null && !(s.getCause() instanceof StatusRuntimeException)) {
      return toStatus(s.getCause());
    }
    String d = s.getDescription() == null ? "unknown error" : s.getDescription();
    return Status.INTERNAL.withDescription("internal error: " + d).withCause(s.getCause());
  }

  private static Status codeOf(TesseraException e) {
    if (e instanceof NotFoundException) {
      return Status.NOT_FOUND;
    } else if (e instanceof AlreadyExistsException) {
      return Status.ALREADY_EXISTS;
    } else if (e instanceof InvalidArgumentException) {
      return Status.INVALID_ARGUMENT;
    } else if (e instanceof FailedPreconditionException) {
      return Status.FAILED_PRECONDITION;
    } else if (e instanceof ResourceExhaustedException) {
      return Status.RESOURCE_EXHAUSTED;
    } else if (e instanceof UnavailableException) {
      return Status.UNAVAILABLE;
    } else if (e instanceof UnimplementedException) {
      return Status.UNIMPLEMENTED;
    } else if (e instanceof InternalException) {
      return Status.INTERNAL;
    }
    throw new AssertionError("unmapped exception kind " + e.getClass());
  }

  /** The message, followed by the messages of causes it does not already contain. */
  static String describe(Throwable t) {
    StringBuilder sb = new StringBuilder(t.getMessage() == null ? t.toString() : t.getMessage());
    for (Throwable c = t.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      String m = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
      if (sb.indexOf(m) < 0) {
        sb.append(": ").append(m);
      }
    }
    return sb.toString();
  }
}
