package io.tessera.e2e.spdyclient;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ExitStatusTest {
  private static ExitStatus v4(String json) {
    return ExitStatus.decode(RemoteCommandSession.V4, json.getBytes(UTF_8));
  }

  @Test
  void successIsExitCodeZero() {
    ExitStatus s = v4("{\"metadata\":{},\"status\":\"Success\"}");
    assertThat(s.status()).isEqualTo("Success");
    assertThat(s.exitCode()).isZero();
  }

  @Test
  void nonZeroExitCodeComesFromTheExitCodeCause() {
    ExitStatus s =
        v4(
            "{\"metadata\":{},\"status\":\"Failure\",\"message\":\"command terminated with non-zero"
                + " exit code: exit status 3\",\"reason\":\"NonZeroExitCode\",\"details\":{\"causes\":"
                + "[{\"reason\":\"Other\",\"message\":\"x\"},{\"reason\":\"ExitCode\",\"message\":\"3\"}]}}");
    assertThat(s.reason()).isEqualTo("NonZeroExitCode");
    assertThat(s.exitCode()).isEqualTo(3);
  }

  @Test
  void otherFailuresHaveAMessageAndNoCode() {
    ExitStatus s =
        v4(
            "{\"status\":\"Failure\",\"message\":\"exec failed: no such file\",\"reason\":\"InternalError\"}");
    assertThat(s.message()).contains("no such file");
    assertThat(s.code()).isNull();
    assertThatThrownBy(s::exitCode).hasMessageContaining("no such file");
  }

  @Test
  void malformedStatusesAreProtocolErrors() {
    assertThatThrownBy(() -> v4("{\"status\":\"Failure\",\"reason\":\"NonZeroExitCode\"}"))
        .hasMessageContaining("without an ExitCode cause");
    assertThatThrownBy(
            () ->
                v4(
                    "{\"status\":\"Failure\",\"reason\":\"NonZeroExitCode\",\"details\":{\"causes\":"
                        + "[{\"reason\":\"ExitCode\",\"message\":\"300\"}]}}"))
        .hasMessageContaining("invalid exit code 300");
    assertThatThrownBy(() -> v4("exit 3")).hasMessageContaining("not a Status JSON");
  }

  @Test
  void beforeV4TheErrorStreamIsPlainText() {
    assertThat(ExitStatus.decode(RemoteCommandSession.V2, new byte[0]).exitCode()).isZero();
    ExitStatus s = ExitStatus.decode(RemoteCommandSession.V2, "boom".getBytes(UTF_8));
    assertThat(s.message()).isEqualTo("boom");
    assertThat(s.code()).isNull();
  }
}
