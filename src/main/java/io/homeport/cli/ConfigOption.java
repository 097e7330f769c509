package io.homeport.cli;

import io.homeport.config.ConfigLoader;
import io.homeport.config.HomeportConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --config} option shared by commands that read the server configuration. */
final class ConfigOption {
  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "Configuration file (default: $HOMEPORT_CONFIG, else the embedded defaults; "
          + "HOMEPORT_* environment variables override either).")
  Path file;

  HomeportConfig load() {
    Path f = file;
    if (f == null && System.getenv("HOMEPORT_CONFIG") != null) {
      f = Path.of(System.getenv("HOMEPORT_CONFIG"));
    }
    return ConfigLoader.load(f, System.getenv());
  }
}
