package io.homeport.bench;

import io.homeport.config.ConfigLoader;
import io.homeport.config.HomeportConfig;
import io.homeport.pki.DeviceCsr;
import io.homeport.pki.DeviceKeys;
import io.homeport.server.HomeportServer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Enrollment throughput (issue 9, item 5): concurrent clients against an in-process server on loopback,
 * each device through the real path: {@code POST /api/v1/devices} on the operator API with the admin
 * token (which returns the one-time enrollment token), then {@code POST /device/v1/enroll} on the
 * device channel with that token and a PKCS#10 CSR for the device's own P-256 key. Every device opens a
 * new TLS connection to the device channel, as a real device does, unless asked to reuse connections.
 *
 * <p>Key pairs and CSRs are made before the clock starts: they are the devices' work, not the server's.
 * A warm-up round of devices, not measured, lets the JIT compile the path first.
 */
public final class EnrollBench {

  /** What to run. */
  public record Options(int devices, int clients, int warmup, boolean reuseConnections) {
    public Options {
      if (devices < 1 || clients < 1 || warmup < 0) {
        throw new IllegalArgumentException("devices and clients must be positive, warmup not negative");
      }
    }
  }

  /**
   * What was measured.
   *
   * @param cpuMillisPerDevice CPU time of the whole process (server and clients) per enrolled device:
   *     unlike the rate, it hardly depends on what else the machine runs
   */
  public record Figures(int devices, int clients, int failed, double seconds, double cpuMillisPerDevice,
      LatencyRecorder.Summary total, LatencyRecorder.Summary create, LatencyRecorder.Summary enroll) {
    public double devicesPerSecond() {
      return (devices - failed) / seconds;
    }
  }

  private final Options options;
  private final PrintStream out;

  public EnrollBench(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  public Figures run() throws Exception {
    Runnable restoreLogs = BenchLogs.quiet();
    Path dataDir = Files.createTempDirectory("homeport-enroll");
    HomeportConfig config = ConfigLoader.load(null, Map.of()).withEphemeralLoopbackPorts().withDataDir(dataDir);
    Vertx serverVertx = Vertx.vertx();
    Vertx clientVertx = Vertx.vertx();
    try {
      HomeportServer server = HomeportServer.start(serverVertx, config).await(60, TimeUnit.SECONDS);
      String adminToken = server.newAdminToken().orElseThrow(() -> new IllegalStateException("no admin token"));
      WebClient api = WebClient.create(clientVertx, new WebClientOptions()
          .setDefaultHost("127.0.0.1").setDefaultPort(server.apiPort()));
      WebClient channel = WebClient.create(clientVertx, new WebClientOptions()
          .setDefaultHost("localhost").setDefaultPort(server.deviceChannelPort())
          .setSsl(true).setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(server.pki().caCertificatePem())))
          .setKeepAlive(options.reuseConnections()));
      Clients clients = new Clients(api, channel, adminToken);

      if (options.warmup() > 0) {
        out.printf("warm-up: %d devices, not measured...%n", options.warmup());
        clients.run("warmup", csrs("warmup", options.warmup()), new Recorders());
      }
      List<String[]> csrs = csrs("bench", options.devices());
      out.printf("enrolling %d devices with %d concurrent clients (%s)...%n", options.devices(), options.clients(),
          options.reuseConnections() ? "connections reused" : "a new TLS connection per enrollment");
      Recorders recorders = new Recorders();
      long cpuBefore = processCpuNanos();
      long started = System.nanoTime();
      int failed = clients.run("bench", csrs, recorders);
      double seconds = (System.nanoTime() - started) / 1e9;
      double cpuMillisPerDevice = (processCpuNanos() - cpuBefore) / 1e6 / Math.max(1, options.devices() - failed);
      Figures figures = new Figures(options.devices(), options.clients(), failed, seconds, cpuMillisPerDevice,
          recorders.total.summary(), recorders.create.summary(), recorders.enroll.summary());
      out.printf(Locale.ROOT, "%d enrolled (%d failed) in %.1fs: %.0f devices/s; process CPU %.2f ms per device "
              + "(at most %.0f devices/s on %d cores with nothing else running)%n  create+enroll %s%n  create %s%n  "
              + "enroll %s%n  keyring now holds %d devices%n", options.devices() - failed, failed, seconds,
          figures.devicesPerSecond(), cpuMillisPerDevice, Runtime.getRuntime().availableProcessors() * 1000 / cpuMillisPerDevice,
          Runtime.getRuntime().availableProcessors(), figures.total(), figures.create(), figures.enroll(),
          server.keyring().size());
      server.stop().await(60, TimeUnit.SECONDS);
      return figures;
    } finally {
      clientVertx.close().await(30, TimeUnit.SECONDS);
      serverVertx.close().await(30, TimeUnit.SECONDS);
      TempFiles.deleteRecursively(dataDir);
      restoreLogs.run();
    }
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** {id, CSR PEM} for each device: one fresh key pair each, made before the clock starts. */
  private List<String[]> csrs(String prefix, int n) {
    long started = System.nanoTime();
    List<String[]> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String id = String.format(Locale.ROOT, "%s-%06d", prefix, i);
      list.add(new String[] {id, DeviceCsr.create(DeviceKeys.generate(), id)});
    }
    out.printf(Locale.ROOT, "made %d key pairs and CSRs in %.1fs%n", n, (System.nanoTime() - started) / 1e9);
    return list;
  }

  private static final class Recorders {
    final LatencyRecorder total = new LatencyRecorder();
    final LatencyRecorder create = new LatencyRecorder();
    final LatencyRecorder enroll = new LatencyRecorder();
  }

  /** The concurrent clients: each takes the next device, creates it, enrolls it, and goes on. */
  private final class Clients {
    private final WebClient api;
    private final WebClient channel;
    private final String adminToken;

    Clients(WebClient api, WebClient channel, String adminToken) {
      this.api = api;
      this.channel = channel;
      this.adminToken = adminToken;
    }

    /** @return how many devices failed (each failure is printed) */
    int run(String what, List<String[]> csrs, Recorders recorders) throws Exception {
      AtomicInteger next = new AtomicInteger();
      AtomicInteger failed = new AtomicInteger();
      List<Future<Void>> clients = new ArrayList<>();
      for (int c = 0; c < options.clients(); c++) {
        Promise<Void> done = Promise.promise();
        loop(csrs, next, failed, recorders, done);
        clients.add(done.future());
      }
      Future.all(clients).await(30, TimeUnit.MINUTES);
      if (failed.get() == csrs.size()) {
        throw new IllegalStateException("every " + what + " enrollment failed");
      }
      return failed.get();
    }

    private void loop(List<String[]> csrs, AtomicInteger next, AtomicInteger failed, Recorders recorders,
        Promise<Void> done) {
      int i = next.getAndIncrement();
      if (i >= csrs.size()) {
        done.complete();
        return;
      }
      String id = csrs.get(i)[0];
      long started = System.nanoTime();
      api.post("/api/v1/devices").bearerTokenAuthentication(adminToken)
          .sendJsonObject(new JsonObject().put("id", id))
          .compose(created -> {
            long createdAt = System.nanoTime();
            recorders.create.record(createdAt - started);
            String token = expect(created, 201, "create").getJsonObject("enrollment").getString("token");
            return channel.post("/device/v1/enroll")
                .sendJsonObject(new JsonObject().put("token", token).put("csr", csrs.get(i)[1]))
                .map(enrolled -> {
                  expect(enrolled, 200, "enroll");
                  long now = System.nanoTime();
                  recorders.enroll.record(now - createdAt);
                  recorders.total.record(now - started);
                  return null;
                });
          })
          .onFailure(e -> {
            failed.incrementAndGet();
            out.printf("device %s: %s%n", id, e.getMessage());
          })
          .onComplete(r -> loop(csrs, next, failed, recorders, done));
    }

    private JsonObject expect(HttpResponse<Buffer> response, int status, String step) {
      if (response.statusCode() != status) {
        throw new IllegalStateException(step + " answered " + response.statusCode() + ": " + response.bodyAsString());
      }
      return response.bodyAsJsonObject();
    }
  }
}
