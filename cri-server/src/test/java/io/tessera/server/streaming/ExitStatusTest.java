package io.tessera.server.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ExitStatusTest {
  private static String text(ExitStatus s, boolean structured) {
    return new String(s.encode(structured).orElseThrow(), StandardCharsets.UTF_8);
  }

  @Test
  void successIsTheV4StatusAndNothingBefore() {
    assertThat(text(ExitStatus.success(), true))
        .isEqualTo("{\"metadata\":{},\"status\":\"Success\"}");
    assertThat(ExitStatus.success().encode(false)).isEmpty();
  }

  @Test
  void nonZeroExitCarriesTheCodeAsCause() {
    ExitStatus s = ExitStatus.nonZeroExit(3, "command 'sh -c exit 3' exited with 3");
    assertThat(text(s, true))
        .isEqualTo(
            "{\"metadata\":{},\"status\":\"Failure\",\"message\":\"command terminated with"
                + " non-zero exit code: command 'sh -c exit 3' exited with 3\","
                + "\"reason\":\"NonZeroExitCode\","
                + "\"details\":{\"causes\":[{\"reason\":\"ExitCode\",\"message\":\"3\"}]}}");
    assertThat(text(s, false))
        .isEqualTo(
            "command terminated with non-zero exit code: command 'sh -c exit 3' exited with 3");
  }

  @Test
  void internalErrorIsCode500() {
    ExitStatus s = ExitStatus.internalError("error executing command in container: gone");
    assertThat(text(s, true))
        .isEqualTo(
            "{\"metadata\":{},\"status\":\"Failure\",\"message\":\"Internal error occurred: error"
                + " executing command in container: gone\",\"reason\":\"InternalError\","
                + "\"details\":{\"causes\":[{\"message\":\"error executing command in container:"
                + " gone\"}]},\"code\":500}");
    assertThat(text(s, false))
        .isEqualTo("Internal error occurred: error executing command in container: gone");
  }
}
