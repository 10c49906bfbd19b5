package io.tessera.server.grpc;

import com.google.protobuf.DebugFormat;
import com.google.protobuf.MessageOrBuilder;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * What every CRI call gets, in one place: a request id (in the logging MDC), debug logging of
 * request and response summaries, a Micrometer timer and error counter per RPC tagged by method and
 * status code, and the translation of whatever a handler throws or fails with into a proper status
 * through {@link StatusMapper}. Thread-safe; one instance serves all calls.
 */
public final class CriCallInterceptor implements ServerInterceptor {
  static final String CALLS_METRIC = "tessera.grpc.server.calls";
  static final String ERRORS_METRIC = "tessera.grpc.server.errors";
  private static final Logger LOG = LoggerFactory.getLogger(CriCallInterceptor.class);
  private static final int SUMMARY_LIMIT = 512;

  private final MeterRegistry registry;
  private final AtomicLong ids = new AtomicLong();

  public CriCallInterceptor(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getBareMethodName();
    String service = call.getMethodDescriptor().getServiceName();
    String requestId = Long.toHexString(ids.incrementAndGet());
    MeteredCall<Q, R> metered = new MeteredCall<>(call, service, method, requestId);
    ServerCall.Listener<Q> delegate;
    try (MdcScope s = MdcScope.of(requestId)) {
      delegate = next.startCall(metered, headers);
    } catch (RuntimeException e) {
      metered.close(StatusMapper.toStatus(e), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return new GuardedListener<>(delegate, metered, requestId, method);
  }

  /** Sets the request id in the MDC for one callback and restores the previous value after. */
  private record MdcScope(String previous, String previousTag) implements AutoCloseable {
    static MdcScope of(String requestId) {
      MdcScope s = new MdcScope(MDC.get("req"), MDC.get("reqTag"));
      MDC.put("req", requestId);
      MDC.put("reqTag", " [req=" + requestId + "]");
      return s;
    }

    @Override
    public void close() {
      restore("req", previous);
      restore("reqTag", previousTag);
    }

    private static void restore(String key, String value) {
      if (value == null) {
        MDC.remove(key);
      } else {
        MDC.put(key, value);
      }
    }
  }

  /**
   * One line describing a message for debug logs. DebugFormat (unlike TextFormat) honours the
   * proto's {@code debug_redact} option, so registry passwords and tokens never reach a log.
   */
  static String summary(Object message) {
    String s =
        message instanceof MessageOrBuilder m
            ? DebugFormat.singleLine().toString(m)
            : String.valueOf(message);
    return s.length() <= SUMMARY_LIMIT ? s : s.substring(0, SUMMARY_LIMIT) + "...";
  }

  private final class MeteredCall<Q, R>
      extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
    private final String service;
    private final String method;
    private final String requestId;
    private final Timer.Sample sample;
    private final AtomicBoolean closed = new AtomicBoolean();

    MeteredCall(ServerCall<Q, R> call, String service, String method, String requestId) {
      super(call);
      this.service = service;
      this.method = method;
      this.requestId = requestId;
      this.sample = Timer.start(registry);
    }

    @Override
    public void sendMessage(R message) {
      if (LOG.isDebugEnabled()) {
        LOG.debug("{} response: {}", method, summary(message));
      }
      super.sendMessage(message);
    }

    @Override
    public void close(Status status, Metadata trailers) {
      if (!closed.compareAndSet(false, true)) {
        return;
      }
      Status mapped = StatusMapper.notUnknown(status);
      String code = mapped.getCode().name();
      sample.stop(
          Timer.builder(CALLS_METRIC)
              .description("CRI calls served, by method and status code")
              .tags("service", service, "method", method, "code", code)
              .register(registry));
      if (!mapped.isOk()) {
        Counter.builder(ERRORS_METRIC)
            .description("CRI calls that failed, by method and status code")
            .tags("service", service, "method", method, "code", code)
            .register(registry)
            .increment();
        logFailure(mapped);
      }
      super.close(mapped, trailers);
    }

    private void logFailure(Status s) {
      try (MdcScope scope = MdcScope.of(requestId)) {
        if (s.getCode() == Status.Code.INTERNAL) {
          LOG.warn("{} failed: {} {}", method, s.getCode(), s.getDescription(), s.getCause());
        } else {
          LOG.debug("{} failed: {} {}", method, s.getCode(), s.getDescription());
        }
      }
    }
  }

  /**
   * Runs each callback under the request id and turns an exception escaping the handler into a
   * mapped status instead of grpc-java's UNKNOWN.
   */
  private static final class GuardedListener<Q>
      extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
    private final MeteredCall<Q, ?> call;
    private final String requestId;
    private final String method;

    GuardedListener(
        ServerCall.Listener<Q> delegate, MeteredCall<Q, ?> call, String requestId, String method) {
      super(delegate);
      this.call = call;
      this.requestId = requestId;
      this.method = method;
    }

    @Override
    public void onMessage(Q message) {
      guard(
          () -> {
            if (LOG.isDebugEnabled()) {
              LOG.debug("{} request: {}", method, summary(message));
            }
            super.onMessage(message);
          });
    }

    @Override
    public void onHalfClose() {
      guard(super::onHalfClose);
    }

    @Override
    public void onCancel() {
      guard(super::onCancel);
    }

    @Override
    public void onComplete() {
      guard(super::onComplete);
    }

    @Override
    public void onReady() {
      guard(super::onReady);
    }

    private void guard(Runnable r) {
      try (MdcScope s = MdcScope.of(requestId)) {
        r.run();
      } catch (RuntimeException e) {
        call.close(StatusMapper.toStatus(e), new Metadata());
      }
    }
  }
}
