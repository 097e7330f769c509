package io.homeport.cli;

import io.homeport.auth.AdminToken;
import io.homeport.config.ConfigException;
import io.homeport.config.HomeportConfig;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "admin", mixinStandardHelpOptions = true, description = "Administration of a server's data directory.",
    subcommands = AdminCommand.Token.class)
final class AdminCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  @Command(name = "token", mixinStandardHelpOptions = true,
      description = "Print the admin token stored in the data directory at the server's first start.")
  static final class Token implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (default: from the configuration).")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
      Path dir = dataDir;
      if (dir == null) {
        try {
          HomeportConfig cfg = config.load();
          dir = cfg.dataDir();
        } catch (ConfigException e) {
          System.err.println("homeport: configuration error: " + e.getMessage());
          return 2;
        }
      }
      Optional<String> token = AdminToken.read(dir);
      if (token.isEmpty()) {
        System.err.println("homeport: no admin token in " + dir.toAbsolutePath()
            + " (start the server once with this data directory to create it)");
        return 1;
      }
      System.out.println(token.get());
      return 0;
    }
  }
}
