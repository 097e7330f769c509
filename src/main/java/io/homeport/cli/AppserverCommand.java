package io.homeport.cli;

import io.homeport.appserver.ApplicationServer;
import io.homeport.config.Durations;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "appserver", mixinStandardHelpOptions = true,
    description = "Run the reference application server: devices woken for it call it with mutual TLS; it checks their "
        + "certificates against the Homeport device CA and CRL, hands each its queued requests and records the results. "
        + "Queue a request with: curl -X POST localhost:ADMIN_PORT/requests/DEVICE -d '{\"action\":\"ping\"}'.")
final class AppserverCommand implements Callable<Integer> {

  @Option(names = "--homeport", required = true, paramLabel = "URL",
      description = "The Homeport API, e.g. http://homeport.example:8080 (the device CA and CRL are read from it).")
  URI homeport;

  @Option(names = "--token", required = true, paramLabel = "TOKEN",
      description = "An API token that reads /api/v1/pki/* (an application token will do).")
  String token;

  @Option(names = "--data-dir", defaultValue = "appserver-data", paramLabel = "DIR",
      description = "Where the server's key (mode 0600) and self-signed certificate are kept (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--bind", defaultValue = "0.0.0.0", paramLabel = "ADDRESS",
      description = "Address devices connect to (default: ${DEFAULT-VALUE}).")
  String bind;

  @Option(names = "--port", defaultValue = "8443", paramLabel = "PORT", description = "HTTPS port for devices (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--admin-port", defaultValue = "8444", paramLabel = "PORT",
      description = "Operator port on 127.0.0.1: POST /requests/{deviceId} queues a request (default: ${DEFAULT-VALUE}).")
  int adminPort;

  @Option(names = "--host", defaultValue = "localhost", split = ",", paramLabel = "NAME",
      description = "Names and addresses for the certificate (devices verify the pin, not the name; default: ${DEFAULT-VALUE}).")
  List<String> hosts;

  @Option(names = "--crl-refresh", defaultValue = "60s", paramLabel = "DURATION",
      description = "How often the device CRL is fetched again (default: ${DEFAULT-VALUE}).")
  String crlRefresh;

  @Override
  public Integer call() throws Exception {
    Duration refresh;
    try {
      refresh = Durations.parse(crlRefresh);
    } catch (IllegalArgumentException e) {
      System.err.println("homeport: --crl-refresh must be a duration such as 60s or 5m");
      return 2;
    }
    if (refresh.toMillis() < 1 || !"http".equals(homeport.getScheme()) && !"https".equals(homeport.getScheme())) {
      System.err.println("homeport: --homeport must be an http(s) URL and --crl-refresh positive");
      return 2;
    }
    Vertx vertx = Vertx.vertx();
    ApplicationServer server = new ApplicationServer(vertx, new ApplicationServer.Settings(dataDir, bind, port, adminPort,
        hosts, homeport, token, refresh), Clock.systemUTC());
    try {
      server.start().await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("homeport: the application server did not start: " + e.getMessage());
      vertx.close().await(10, TimeUnit.SECONDS);
      return 1;
    }
    System.out.printf("%nApplication server on https://%s:%d, admin on http://127.0.0.1:%d.%n"
        + "Publish its SPKI pin in an address list entry: \"pins\": [\"%s\"]%n%n",
        bind, server.port(), server.adminPort(), server.spkiPin());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.stop().compose(v -> vertx.close()).await(10, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // exiting anyway
      }
    }, "appserver-shutdown"));
    Thread.currentThread().join();
    return 0;
  }
}
