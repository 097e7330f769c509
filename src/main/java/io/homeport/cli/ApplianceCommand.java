package io.homeport.cli;

import io.homeport.echonet.ApplianceSimulator;
import io.homeport.echonet.EchonetClassSpec;
import io.homeport.echonet.EchonetClasses;
import io.vertx.core.Vertx;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "appliance", mixinStandardHelpOptions = true, description = "ECHONET Lite appliance tools for the LAN side.",
    subcommands = ApplianceCommand.Simulate.class)
final class ApplianceCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  @Command(name = "simulate", mixinStandardHelpOptions = true,
      description = "Run a simulated ECHONET Lite appliance (instance 1 of the class, plus the node profile) that keeps "
          + "its property state and answers Get, SetC, SetI, SetGet and INF_REQ; each request and answer is logged.")
  static final class Simulate implements Callable<Integer> {
    @Option(names = "--class", required = true, paramLabel = "CLASS",
        description = "Appliance class: 0x0130 (home air conditioner), 0x0290 (general lighting), 0x03BB (rice cooker).")
    String eojClass;

    @Option(names = "--port", defaultValue = "3610", paramLabel = "PORT", description = "UDP port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bind", defaultValue = "0.0.0.0", paramLabel = "ADDRESS",
        description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String bind;

    @Override
    public Integer call() throws Exception {
      Optional<EchonetClassSpec> spec = parseClass(eojClass);
      if (spec.isEmpty()) {
        System.err.printf("homeport: --class %s is not supported; use one of %s%n", eojClass,
            EchonetClasses.all().stream().map(c -> String.format(Locale.ROOT, "0x%04X (%s)", c.eojClass(), c.name()))
                .collect(Collectors.joining(", ")));
        return 2;
      }
      if (port < 0 || port > 0xFFFF) {
        System.err.println("homeport: --port must be 0..65535");
        return 2;
      }
      Vertx vertx = Vertx.vertx();
      ApplianceSimulator simulator =
          new ApplianceSimulator(new ApplianceSimulator.Options(spec.get().eojClass(), bind, port));
      try {
        vertx.deployVerticle(simulator).await(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.printf("homeport: cannot listen on udp %s:%d: %s%n", bind, port, e.getMessage());
        vertx.close().await(5, TimeUnit.SECONDS);
        return 1;
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          vertx.close().await(5, TimeUnit.SECONDS);
        } catch (Exception ignored) {
          // exiting anyway
        }
      }, "appliance-shutdown"));
      Thread.currentThread().join();
      return 0;
    }

    /** {@code 0x0130}, {@code 0130} or {@code 130}, in hex. */
    static Optional<EchonetClassSpec> parseClass(String text) {
      String t = text.trim().toLowerCase(Locale.ROOT);
      if (t.startsWith("0x")) {
        t = t.substring(2);
      }
      if (t.isEmpty() || t.length() > 4 || !t.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
        return Optional.empty();
      }
      return EchonetClasses.byClass(Integer.parseInt(t, 16));
    }
  }
}
