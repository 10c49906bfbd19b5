package io.tessera.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.tessera.kernel.errors.AlreadyExistsException;
import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.NotFoundException;
import io.tessera.kernel.errors.ResourceExhaustedException;
import io.tessera.kernel.errors.TesseraException;
import io.tessera.kernel.errors.UnavailableException;
import io.tessera.kernel.errors.UnimplementedException;
import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StatusMapperTest {

  static Stream<Arguments> kinds() {
    return Stream.of(
        Arguments.of(new NotFoundException("pod 3f2a not found"), Status.Code.NOT_FOUND),
        Arguments.of(new AlreadyExistsException("name taken"), Status.Code.ALREADY_EXISTS),
        Arguments.of(new InvalidArgumentException("bad"), Status.Code.INVALID_ARGUMENT),
        Arguments.of(
            new FailedPreconditionException("pod stopped"), Status.Code.FAILED_PRECONDITION),
        Arguments.of(new ResourceExhaustedException("full"), Status.Code.RESOURCE_EXHAUSTED),
        Arguments.of(new UnavailableException("recovering"), Status.Code.UNAVAILABLE),
        Arguments.of(new UnimplementedException("no"), Status.Code.UNIMPLEMENTED),
        Arguments.of(new InternalException("broke"), Status.Code.INTERNAL));
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void eachDomainExceptionHasItsCode(TesseraException e, Status.Code code) {
    Status s = StatusMapper.toStatus(e);
    assertThat(s.getCode()).isEqualTo(code);
    assertThat(s.getDescription()).isEqualTo(e.getMessage());
    assertThat(s.getCause()).isSameAs(e);
  }

  @Test
  void causeMessagesAreChained() {
    Status s =
        StatusMapper.toStatus(
            new InternalException("write state of pod 3f2a", new IOException("No space left")));
    assertThat(s.getDescription()).isEqualTo("write state of pod 3f2a: No space left");
  }

  @Test
  void unexpectedExceptionsAreInternalNotUnknown() {
    Status s = StatusMapper.toStatus(new NullPointerException("x is null"));
    assertThat(s.getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(s.getDescription()).contains("x is null");
  }

  @Test
  void chosenStatusesAreKept() {
    Status s = StatusMapper.toStatus(Status.NOT_FOUND.withDescription("gone").asRuntimeException());
    assertThat(s.getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(s.getDescription()).isEqualTo("gone");
  }

  @Test
  void unknownIsRemappedFromItsCause() {
    Status unknown = Status.fromThrowable(new NotFoundException("container 9 not found"));
    assertThat(unknown.getCode()).isEqualTo(Status.Code.UNKNOWN);
    Status s = StatusMapper.notUnknown(unknown);
    assertThat(s.getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(StatusMapper.notUnknown(Status.UNKNOWN).getCode()).isEqualTo(Status.Code.INTERNAL);
  }
}
