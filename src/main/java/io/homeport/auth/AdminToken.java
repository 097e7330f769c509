package io.homeport.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The bootstrap admin token kept in the data directory (mode 0600), so that {@code homeport admin
 * token} can print it again. It is printed once, when first created, and never logged.
 */
public final class AdminToken {
  public static final String FILE_NAME = "admin-token";

  private AdminToken() {}

  public static Path file(Path dataDir) {
    return dataDir.resolve(FILE_NAME);
  }

  /** The stored token, if the server has started at least once with this data directory. */
  public static Optional<String> read(Path dataDir) throws IOException {
    Path f = file(dataDir);
    return Files.exists(f) ? Optional.of(Files.readString(f).trim()) : Optional.empty();
  }
}
