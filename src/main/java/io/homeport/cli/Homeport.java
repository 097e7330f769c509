package io.homeport.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code homeport} command: server, reference device agent, tools. */
@Command(
    name = "homeport",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Reach and control devices behind NAT without port forwarding.",
    subcommands = {ServeCommand.class, DeviceCommand.class, AdminCommand.class, BenchCommand.class, ApplianceCommand.class,
        AppserverCommand.class})
public final class Homeport implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    return new CommandLine(new Homeport()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
