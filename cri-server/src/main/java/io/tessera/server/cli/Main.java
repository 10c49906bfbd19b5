package io.tessera.server.cli;

import io.tessera.server.BuildInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tessera} command. */
@Command(
    name = "tessera",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Tessera, a Kubernetes CRI runtime.",
    subcommands = {
      ServeCommand.class,
      PullCommand.class,
      ImagesCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main {

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"tessera " + BuildInfo.version()};
    }
  }
}
