package io.homeport.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code homeport serve} in a JVM of its own, as an operator runs it, so that nothing the bench does
 * (building datagrams, its garbage) shares the server's heap or JIT, and so that whatever {@code serve}
 * sets up (transport, event loops, beacon instances) is what is measured. Its settings come as
 * {@code HOMEPORT_*} environment variables (the caller's own are not passed on, HOMEPORT_LOG_LEVEL
 * apart); its beacon counters are read from its {@code /metrics}.
 */
final class HomeportProcess implements AutoCloseable {
  private static final Pattern KEEPALIVES =
      Pattern.compile("^homeport_keepalives_total\\{[^}]*outcome=\"([^\"]+)\"[^}]*}\\s+(\\S+)", Pattern.MULTILINE);

  private final Process process;
  private final Thread stopOnExit;
  private final Path log;
  private final InetSocketAddress beacon;
  private final URI metrics;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private HomeportProcess(Process process, Path log, InetSocketAddress beacon, URI metrics) {
    this.process = process;
    this.stopOnExit = ExitHooks.stopOnExit(process);
    this.log = log;
    this.beacon = beacon;
    this.metrics = metrics;
  }

  /**
   * Settings for a bench server on loopback ports free now, in {@code dataDir}: /metrics open on its own
   * port, and a long keepalive interval (nonces live two intervals) so the nonces primed before the
   * keepalives are built stay valid for the whole run.
   */
  static Map<String, String> settings(Path dataDir, Path pluginsDir) throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HOMEPORT_DATA_DIR", dataDir.toString());
    env.put("HOMEPORT_PLUGINS_DIRECTORY", pluginsDir.toString());
    env.put("HOMEPORT_BEACON_BIND", "127.0.0.1");
    env.put("HOMEPORT_BEACON_PORT", Integer.toString(FreePorts.udp()));
    env.put("HOMEPORT_BEACON_ALT_PORT", "0");
    env.put("HOMEPORT_BEACON_KEEPALIVE_INTERVAL", "10m");
    env.put("HOMEPORT_BEACON_OFFLINE_GRACE", "30m");
    env.put("HOMEPORT_DEVICE_CHANNEL_BIND", "127.0.0.1");
    env.put("HOMEPORT_DEVICE_CHANNEL_PORT", Integer.toString(FreePorts.tcp()));
    env.put("HOMEPORT_RELAY_BIND", "127.0.0.1");
    env.put("HOMEPORT_RELAY_PORT", Integer.toString(FreePorts.udp()));
    env.put("HOMEPORT_API_BIND", "127.0.0.1");
    env.put("HOMEPORT_API_PORT", Integer.toString(FreePorts.tcp()));
    env.put("HOMEPORT_METRICS_ACCESS", "open");
    env.put("HOMEPORT_METRICS_BIND", "127.0.0.1");
    env.put("HOMEPORT_METRICS_PORT", Integer.toString(FreePorts.tcp()));
    return env;
  }

  /**
   * Starts {@code homeport serve} from this JVM's class path with the same java, and waits until its
   * /metrics answers. It logs warnings only, unless HOMEPORT_LOG_LEVEL is set.
   */
  static HomeportProcess start(Map<String, String> settings, Path log, Duration timeout)
      throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
        "io.homeport.cli.Homeport", "serve"))
        .redirectErrorStream(true).redirectOutput(log.toFile());
    // only the bench's settings: a HOMEPORT_* variable of the caller's (a store URL, say) would make this
    // server differ from the one the devices were enrolled with
    pb.environment().keySet().removeIf(name -> name.startsWith("HOMEPORT_") && !name.equals("HOMEPORT_LOG_LEVEL"));
    pb.environment().putAll(settings);
    pb.environment().putIfAbsent("HOMEPORT_LOG_LEVEL", "WARN");
    HomeportProcess server = new HomeportProcess(pb.start(), log,
        new InetSocketAddress("127.0.0.1", Integer.parseInt(settings.get("HOMEPORT_BEACON_PORT"))),
        URI.create("http://127.0.0.1:" + settings.get("HOMEPORT_METRICS_PORT") + "/metrics"));
    try {
      server.awaitMetrics(timeout);
      return server;
    } catch (IOException | InterruptedException | RuntimeException e) {
      server.close();
      throw e;
    }
  }

  InetSocketAddress beacon() {
    return beacon;
  }

  long pid() {
    return process.pid();
  }

  /** The beacon's datagram counters by outcome (accepted, stale-nonce, replayed, ...). */
  Map<String, Long> keepaliveOutcomes() throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("GET " + metrics + " answered " + r.statusCode());
    }
    Map<String, Long> outcomes = new TreeMap<>();
    Matcher m = KEEPALIVES.matcher(r.body());
    while (m.find()) {
      outcomes.put(m.group(1), (long) Double.parseDouble(m.group(2)));
    }
    return outcomes;
  }

  private void awaitMetrics(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("homeport serve exited (" + process.exitValue() + "):\n"
            + TempFiles.tail(log, 30));
      }
      try {
        keepaliveOutcomes();
        return;
      } catch (IOException notYet) {
        TimeUnit.MILLISECONDS.sleep(200);
      }
    }
    throw new IllegalStateException("homeport serve did not come up within " + timeout + ":\n" + TempFiles.tail(log, 30));
  }

  /** Stops the server as an operator would (SIGTERM: its shutdown hook stops it cleanly), then SIGKILL after 15 s. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
    ExitHooks.remove(stopOnExit);
  }
}
