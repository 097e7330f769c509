package io.homeport.bench;

import io.homeport.agent.KeepaliveSession;
import io.homeport.config.ConfigLoader;
import io.homeport.config.HomeportConfig;
import io.homeport.server.HomeportServer;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Homeport's beacon side by side with coturn, in one run, with one load generator ({@link UdpLoad}):
 * the same client sockets and requests in flight against each server in turn, coturn first (plain STUN
 * Binding requests, nothing to check) and then {@code homeport serve} (authenticated keepalives, every
 * integrity, nonce and sequence check done). docs/benchmarks.md explains the method.
 */
public final class SideBySideBench {

  /** What to run. */
  public record Options(int devices, int sockets, int inFlight, Duration warmup, Duration duration, Path coturnScript,
      Path generatorCache) {
    public Options {
      if (devices < 1 || sockets < 1 || inFlight < 1 || inFlight > 4096) {
        throw new IllegalArgumentException("devices and sockets must be positive, in-flight 1..4096");
      }
      if (sockets > devices) {
        throw new IllegalArgumentException("each socket needs a device: sockets (" + sockets + ") > devices ("
            + devices + ")");
      }
      if (warmup.isNegative() || duration.isZero() || duration.isNegative()) {
        throw new IllegalArgumentException("the duration must be positive and the warm-up not negative");
      }
    }
  }

  /**
   * What was measured: the generator's figures for each server, and Homeport's own count of the
   * keepalives it accepted (and its other outcomes) while the generator ran.
   */
  public record Figures(UdpLoad.Result coturn, UdpLoad.Result homeport, Map<String, Long> homeportOutcomes,
      long datagramsBuilt) {
    public double ratio() {
      return coturn.answeredPerSecond() > 0 ? homeport.answeredPerSecond() / coturn.answeredPerSecond() : 0;
    }

    public long homeportAccepted() {
      return homeportOutcomes.getOrDefault("accepted", 0L);
    }
  }

  /** Keepalives are built for this multiple of coturn's rate (a floor of {@link #MIN_BUDGET_RATE}). */
  private static final double BUDGET_OVER_COTURN = 1.25;
  private static final double MIN_BUDGET_RATE = 50_000;
  /** Binding requests per coturn socket; they are replayed in a cycle (coturn keeps no state per request). */
  private static final int COTURN_REQUESTS_PER_IN_FLIGHT = 4;

  private final Options options;
  private final PrintStream out;

  public SideBySideBench(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  public Figures run() throws Exception {
    Path work = Files.createTempDirectory("homeport-side-by-side");
    Thread deleteOnExit = ExitHooks.add("delete-" + work.getFileName(), () -> TempFiles.deleteRecursively(work));
    try {
      UdpLoad load = UdpLoad.build(options.generatorCache(), out);
      out.printf("load: %d client sockets x %d requests in flight, %.1fs warm-up then %.1fs measured, per server%n",
          options.sockets(), options.inFlight(), options.warmup().toMillis() / 1000.0,
          options.duration().toMillis() / 1000.0);
      UdpLoad.Result coturn = runCoturn(load, work);
      report("coturn", coturn);
      return runHomeport(load, work, coturn);
    } finally {
      TempFiles.deleteRecursively(work);
      ExitHooks.remove(deleteOnExit);
    }
  }

  private UdpLoad.Result runCoturn(UdpLoad load, Path work) throws IOException, InterruptedException {
    Path file = work.resolve("coturn.datagrams");
    int perSocket = COTURN_REQUESTS_PER_IN_FLIGHT * options.inFlight();
    DatagramFile.write(file, true, options.sockets(), i -> {
      List<byte[]> requests = new ArrayList<>(perSocket);
      for (int r = 0; r < perSocket; r++) {
        requests.add(CoturnStun.bindingRequest());
      }
      return new DatagramFile.Socket(0, requests);
    });
    try (CoturnStun coturn = CoturnStun.start(options.coturnScript(), work.resolve("coturn.log"), Duration.ofSeconds(15))) {
      out.printf("coturn --stun-only on %s: plain Binding requests (%d bytes, FINGERPRINT), no authentication%n",
          coturn.address(), CoturnStun.bindingRequest().length);
      return load.run(file, coturn.address(), options.inFlight(), options.warmup(), options.duration());
    }
  }

  private Figures runHomeport(UdpLoad load, Path work, UdpLoad.Result coturn) throws Exception {
    Path dataDir = Files.createDirectories(work.resolve("data"));
    Map<String, String> settings = HomeportProcess.settings(dataDir, Files.createDirectories(work.resolve("plugins")));
    List<KeepaliveSession> sessions = enroll(settings);
    try (HomeportProcess server = HomeportProcess.start(settings, work.resolve("homeport.log"), Duration.ofSeconds(90))) {
      out.printf("homeport serve (pid %d, its own JVM) with its beacon on %s%n", server.pid(), server.beacon());
      int[] ports = primeNonces(server, sessions);

      double budgetRate = Math.max(MIN_BUDGET_RATE, BUDGET_OVER_COTURN * coturn.answeredPerSecond());
      double seconds = (options.warmup().toMillis() + options.duration().toMillis()) / 1000.0;
      int perDevice = (int) Math.ceil(budgetRate * seconds / sessions.size()) + options.inFlight();
      long started = System.nanoTime();
      Path file = work.resolve("homeport.datagrams");
      long built = DatagramFile.write(file, false, options.sockets(),
          i -> new DatagramFile.Socket(ports[i], keepalives(sessions, i, perDevice)));
      out.printf("built %d signed keepalives (%d per device, enough for %.0f/s) in %.1fs%n", built, perDevice,
          budgetRate, (System.nanoTime() - started) / 1e9);
      System.gc(); // the bench JVM holds nothing large while the server is measured

      Map<String, Long> before = server.keepaliveOutcomes();
      UdpLoad.Result homeport = load.run(file, server.beacon(), options.inFlight(), options.warmup(),
          options.duration());
      Map<String, Long> outcomes = difference(server.keepaliveOutcomes(), before);
      report("homeport", homeport);
      long accepted = outcomes.getOrDefault("accepted", 0L);
      out.printf("homeport server: accepted %d keepalives during the run, the generator received %d success "
              + "answers (%s); server outcomes %s%n", accepted, homeport.totalSuccess(),
          accepted == homeport.totalSuccess() ? "they agree"
              : "they differ by " + (accepted - homeport.totalSuccess()) + ": answers lost, or not back when it stopped",
          outcomes);
      return new Figures(coturn, homeport, outcomes, built);
    }
  }

  /**
   * Enrolls the devices through the real DeviceService of a server assembled on the same data directory,
   * then stops it: the measured server loads them from the store at its start.
   */
  private List<KeepaliveSession> enroll(Map<String, String> settings) throws Exception {
    HomeportConfig config = ConfigLoader.load(null, settings).withEphemeralLoopbackPorts();
    Runnable restoreLogs = BenchLogs.quiet();
    // the native transport, as serve has it (and no warning about its absence)
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    try {
      HomeportServer server = HomeportServer.start(vertx, config).await(60, TimeUnit.SECONDS);
      try {
        return BenchDevices.enroll(server.devices(), options.devices(), out);
      } finally {
        server.stop().await(30, TimeUnit.SECONDS);
      }
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
      restoreLogs.run();
    }
  }

  /**
   * Gives every device a server nonce (its first keepalive is answered 401 with one) from the local port
   * its keepalives will later come from: a server with several beacon instances on one port
   * (SO_REUSEPORT) sends one source port to the same instance every time.
   *
   * @return the local port of each client socket
   */
  private int[] primeNonces(HomeportProcess server, List<KeepaliveSession> sessions) throws IOException {
    int[] ports = new int[options.sockets()];
    for (int s = 0; s < options.sockets(); s++) {
      try (UdpClient client = new UdpClient(server.beacon())) {
        ports[s] = client.localPort();
        List<KeepaliveSession> waiting = devicesOf(sessions, s);
        for (int attempt = 0; attempt < 5 && !waiting.isEmpty(); attempt++) {
          waiting = primeOnce(client, waiting);
        }
        if (!waiting.isEmpty()) {
          throw new IllegalStateException(waiting.size() + " devices got no nonce from the beacon, e.g. "
              + waiting.get(0).deviceId());
        }
      }
    }
    out.printf("primed %d devices with a server nonce over %d client sockets%n", sessions.size(), ports.length);
    return ports;
  }

  /** @return the devices still without a nonce */
  private static List<KeepaliveSession> primeOnce(UdpClient client, List<KeepaliveSession> devices) throws IOException {
    Map<ByteBuffer, KeepaliveSession> outstanding = new HashMap<>();
    for (KeepaliveSession session : devices) {
      byte[] keepalive = session.nextKeepalive();
      outstanding.put(transactionId(keepalive), session);
      client.send(keepalive);
    }
    byte[] answer;
    while (!outstanding.isEmpty() && (answer = client.receive(Duration.ofSeconds(1))) != null) {
      KeepaliveSession session = answer.length >= 20 ? outstanding.get(transactionId(answer)) : null;
      if (session != null && session.onDatagram(answer) instanceof KeepaliveSession.NonceRefreshed) {
        outstanding.remove(transactionId(answer));
      }
    }
    return new ArrayList<>(outstanding.values());
  }

  private static ByteBuffer transactionId(byte[] stunMessage) {
    return ByteBuffer.wrap(stunMessage, 8, 12).slice();
  }

  /** Device i sends from socket i mod sockets, so its keepalives reach the server in sequence order. */
  private List<KeepaliveSession> devicesOf(List<KeepaliveSession> sessions, int socket) {
    List<KeepaliveSession> devices = new ArrayList<>();
    for (int i = socket; i < sessions.size(); i += options.sockets()) {
      devices.add(sessions.get(i));
    }
    return devices;
  }

  /** The socket's keepalives in sending order: its devices in turn, each with increasing sequence numbers. */
  private List<byte[]> keepalives(List<KeepaliveSession> sessions, int socket, int perDevice) {
    List<KeepaliveSession> devices = devicesOf(sessions, socket);
    List<byte[]> datagrams = new ArrayList<>(devices.size() * perDevice);
    for (int round = 0; round < perDevice; round++) {
      for (KeepaliveSession device : devices) {
        datagrams.add(device.nextKeepalive());
      }
    }
    return datagrams;
  }

  private void report(String server, UdpLoad.Result r) {
    out.printf("%s: %.0f answered/s (%d answers in %.2fs: %d success, %d error, %d other; %d sent, %d lost, %d late, "
            + "%d unmatched); round trip mean %.2f ms, p50 %.2f ms, p99 %.2f ms%s%n",
        server, r.answeredPerSecond(), r.answered(), r.measuredSeconds(), r.success(), r.error(), r.other(), r.sent(),
        r.lost(), r.late(), r.unmatched(), r.roundTripMeanMillis(), r.roundTripP50Millis(), r.roundTripP99Millis(),
        r.exhausted() ? "; stopped early: a socket ran out of prepared datagrams" : "");
    out.printf("%s: generator CPU %.2fs (%.2fs of it in the kernel) = %.2f us per answer, %.0f%% of one core%s%n",
        server, r.cpuSeconds(), r.cpuSystemSeconds(), r.cpuMicrosPerAnswer(), 100 * r.cpuShare(),
        r.cpuShare() >= 0.9 ? " -- the generator was (nearly) saturated: it may be the limit of this figure" : "");
  }

  private static Map<String, Long> difference(Map<String, Long> after, Map<String, Long> before) {
    Map<String, Long> d = new TreeMap<>();
    after.forEach((k, v) -> {
      long delta = v - before.getOrDefault(k, 0L);
      if (delta != 0) {
        d.put(k, delta);
      }
    });
    return d;
  }
}
