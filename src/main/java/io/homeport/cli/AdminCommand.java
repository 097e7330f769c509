package io.homeport.cli;

import io.homeport.auth.AdminToken;
import io.homeport.auth.ApiTokens;
import io.homeport.auth.TokenService;
import io.homeport.bench.BenchLogs;
import io.homeport.config.ConfigException;
import io.homeport.config.HomeportConfig;
import io.homeport.pki.ServerPki;
import io.homeport.server.HomeportServer;
import io.homeport.store.Store;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "admin", mixinStandardHelpOptions = true, description = "Administration of a server's data directory.",
    subcommands = {AdminCommand.Token.class, AdminCommand.RotateToken.class})
final class AdminCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  /** The configuration and data directory an admin subcommand works on. */
  static final class DataDirOptions {
    @Mixin
    ConfigOption config;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (default: from the configuration).")
    Path dataDir;

    /** The configuration with the data directory of {@code --data-dir} when given. */
    HomeportConfig load() {
      HomeportConfig cfg = config.load();
      return dataDir == null ? cfg : cfg.withDataDir(dataDir);
    }

    /** Whether the data directory holds an admin token; says what to do on stderr when not. */
    static boolean hasAdminToken(Path dir) throws java.io.IOException {
      if (AdminToken.read(dir).isPresent()) {
        return true;
      }
      System.err.println("homeport: no admin token in " + dir.toAbsolutePath()
          + " (start the server once with this data directory to create it)");
      return false;
    }
  }

  @Command(name = "token", mixinStandardHelpOptions = true,
      description = "Print the admin token stored in the data directory (created at the server's first start, "
          + "replaced by rotate-token).")
  static final class Token implements Callable<Integer> {
    @Mixin
    DataDirOptions options;

    @Override
    public Integer call() throws Exception {
      HomeportConfig cfg;
      try {
        cfg = options.load();
      } catch (ConfigException e) {
        System.err.println("homeport: configuration error: " + e.getMessage());
        return 2;
      }
      if (!DataDirOptions.hasAdminToken(cfg.dataDir())) {
        return 1;
      }
      System.out.println(AdminToken.read(cfg.dataDir()).orElseThrow());
      return 0;
    }
  }

  @Command(name = "rotate-token", mixinStandardHelpOptions = true,
      description = {"Replace the admin token: mint a new one, store it in the data directory in place of the old "
          + "one and revoke the old one in the store. Prints the new token once.",
          "Works on the data directory and the store of the configuration, also while the server runs: the server "
              + "reloads revocations from the store every second, so it refuses the old token within a second "
              + "(every node of a cluster sharing the store does)."})
  static final class RotateToken implements Callable<Integer> {
    @Mixin
    DataDirOptions options;

    @Override
    public Integer call() throws Exception {
      HomeportConfig cfg;
      try {
        cfg = options.load();
      } catch (ConfigException e) {
        System.err.println("homeport: configuration error: " + e.getMessage());
        return 2;
      }
      Path dir = cfg.dataDir().toAbsolutePath();
      if (!DataDirOptions.hasAdminToken(dir)) {
        return 1;
      }
      // Homeport logs to stdout, where the new token goes
      Runnable restoreLogs = BenchLogs.quiet();
      Vertx vertx = Vertx.vertx();
      try {
        Clock clock = Clock.systemUTC();
        ServerPki pki = ServerPki.loadOrCreate(dir, cfg.publicHosts(), clock);
        ApiTokens tokens = ApiTokens.create(vertx, pki.jwtPrivateKeyPem(), pki.jwtPublicKeyPem());
        Store store = HomeportServer.Builder.configuredStore(vertx, cfg).await();
        try {
          TokenService service = new TokenService(tokens, store.tokens(), clock, pki.jwtPublicKeyPem(),
              new AdminToken(vertx, dir));
          String token = service.rotateAdminToken().await().token();
          System.out.println(token);
          System.err.println("homeport: the admin token in " + AdminToken.file(dir) + " is replaced and the old one "
              + "revoked; a running server refuses it within a second");
          return 0;
        } finally {
          store.close().await();
        }
      } catch (RuntimeException e) {
        System.err.println("homeport: could not rotate the admin token: " + e.getMessage());
        return 1;
      } finally {
        vertx.close().await();
        restoreLogs.run();
      }
    }
  }
}
