package io.tessera.server.grpc;

import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;

/**
 * The shape of every unary CRI handler: compute the response, send it, or hand the failure to
 * {@code onError} (where {@link CriCallInterceptor} maps it to a status).
 */
final class Unary {
  private Unary() {}

  static <T> void respond(StreamObserver<T> out, Supplier<T> call) {
    T response;
    try {
      response = call.get();
    } catch (RuntimeException e) {
      out.onError(e);
      return;
    }
    out.onNext(response);
    out.onCompleted();
  }
}
