package io.tessera.server.cli;

import io.tessera.server.config.TesseraConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options shared by the commands that talk to a running daemon. */
final class ClientOptions {
  @Option(
      names = {"--socket", "-s"},
      paramLabel = "PATH",
      description = "The daemon's CRI socket (default: /run/tessera/tessera.sock).")
  Path socket = TesseraConfig.DEFAULT_SOCKET;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      description = "Give up after this long (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds = 600;
}
