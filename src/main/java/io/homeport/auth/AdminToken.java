package io.homeport.auth;

import io.homeport.pki.SecretFiles;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The bootstrap admin token kept in the data directory (mode 0600), so that {@code homeport admin
 * token} can print it again. It is printed once, when first created or rotated, and never logged. An
 * instance reads and replaces it off the event loop, for {@link TokenService#rotateAdminToken}.
 */
public final class AdminToken {
  public static final String FILE_NAME = "admin-token";
  /** The {@code sub} of the bootstrap admin token and of the tokens that replace it. */
  public static final String SUBJECT = "admin";

  private final Vertx vertx;
  private final Path dataDir;

  public AdminToken(Vertx vertx, Path dataDir) {
    this.vertx = vertx;
    this.dataDir = dataDir;
  }

  public static Path file(Path dataDir) {
    return dataDir.resolve(FILE_NAME);
  }

  /** The stored token, if the server has started at least once with this data directory. */
  public static Optional<String> read(Path dataDir) throws IOException {
    Path f = file(dataDir);
    return Files.exists(f) ? Optional.of(Files.readString(f).trim()) : Optional.empty();
  }

  /** Stores a new token: written whole to a temporary file of mode 0600, then moved over the old one. */
  public static void write(Path dataDir, String token) throws IOException {
    SecretFiles.writeSecret(file(dataDir), token + "\n");
  }

  /** The stored token, read on a worker thread. */
  Future<Optional<String>> current() {
    return vertx.executeBlocking(() -> read(dataDir));
  }

  /** Replaces the stored token, on a worker thread (see {@link #write}). */
  Future<Void> replace(String token) {
    return vertx.executeBlocking(() -> {
      write(dataDir, token);
      return null;
    });
  }
}
