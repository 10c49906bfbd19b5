package io.tessera.kernel.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TesseraExceptionTest {
  @Test
  void sameKindKeepsTheKindAndChainsTheCause() {
    List<TesseraException> all =
        List.of(
            new NotFoundException("a"),
            new AlreadyExistsException("a"),
            new InvalidArgumentException("a"),
            new FailedPreconditionException("a"),
            new ResourceExhaustedException("a"),
            new UnavailableException("a"),
            new UnimplementedException("a"),
            new InternalException("a"));
    for (TesseraException e : all) {
      TesseraException wrapped = TesseraException.sameKind(e, "pull x: a");
      assertThat(wrapped).isExactlyInstanceOf(e.getClass()).hasMessage("pull x: a").hasCause(e);
    }
  }
}
