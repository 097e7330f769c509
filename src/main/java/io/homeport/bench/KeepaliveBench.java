package io.homeport.bench;

import io.homeport.agent.KeepaliveSession;
import io.homeport.beacon.KeepaliveOutcome;
import io.homeport.config.ConfigLoader;
import io.homeport.config.HomeportConfig;
import io.homeport.server.HomeportServer;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Drives many simulated devices against an in-process server on loopback and prints accepted
 * keepalives per second and the server heap each online device costs. Devices are enrolled through
 * the real enrollment path (CSR, certificate, beacon key) with a throw-away data directory.
 */
public final class KeepaliveBench {

  /** What to run. */
  public record Options(int devices, int rate, Duration duration, int sockets) {}

  /** What was measured. */
  public record Figures(int devices, int online, long sent, long accepted, double acceptedPerSecond,
      double heapBytesPerOnlineDevice, long serverDatagrams, Map<String, Long> outcomes) {}

  private final Options options;
  private final PrintStream out;

  public KeepaliveBench(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  public Figures run() throws Exception {
    Path dataDir = Files.createTempDirectory("homeport-bench");
    HomeportConfig config = ConfigLoader.load(null, Map.of()).withEphemeralLoopbackPorts().withDataDir(dataDir);
    Vertx vertx = Vertx.vertx();
    try {
      HomeportServer server = HomeportServer.start(vertx, config).await(60, TimeUnit.SECONDS);
      List<KeepaliveSession> sessions = BenchDevices.enroll(server.devices(), options.devices(), out);
      int[] ports = new int[sessions.size()];
      java.util.Arrays.fill(ports, server.beaconPort());
      KeepaliveLoad load = new KeepaliveLoad(vertx, sessions, ports, options.sockets());

      // prime: every device learns a nonce through the 401 path, which changes no server state
      load.sendAllAndAwait(Duration.ofSeconds(60));
      long baseline = HeapReadings.usedHeapAfterGc();

      load.sendAllAndAwait(Duration.ofSeconds(60));
      int online = server.presence().onlineCount();
      long withPresence = HeapReadings.usedHeapAfterGc();
      double heapPerDevice = (double) (withPresence - baseline) / Math.max(1, online);
      out.printf("%d devices online; server heap per online device: %.0f bytes%n", online, heapPerDevice);

      // steady state: keepalives at the requested rate, round robin over the devices; the server's own
      // counter says how many it accepted (the client shares the two cores and may miss answers)
      load.answers().set(0);
      long acceptedBefore = server.beaconCounters().get(KeepaliveOutcome.ACCEPTED);
      long started = System.nanoTime();
      long sent = load.sendAtRate(options.rate(), options.duration());
      long sendingNanos = System.nanoTime() - started;
      Thread.sleep(1000); // answers still in flight
      long accepted = server.beaconCounters().get(KeepaliveOutcome.ACCEPTED) - acceptedBefore;
      double perSecond = accepted / (sendingNanos / 1e9);
      out.printf("offered %d keepalives in %.1fs (%.0f/s); server accepted %d: %.0f accepted keepalives/s; "
          + "client received %d answers in time%n", sent, sendingNanos / 1e9, sent / (sendingNanos / 1e9), accepted,
          perSecond, load.answers().get());
      Figures figures = new Figures(options.devices(), online, sent, accepted, perSecond, heapPerDevice,
          server.beaconCounters().total(), server.beaconCounters().snapshot());
      server.stop().await(30, TimeUnit.SECONDS);
      return figures;
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
      TempFiles.deleteRecursively(dataDir);
    }
  }
}
