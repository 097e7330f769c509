package io.homeport.bench;

import io.homeport.agent.KeepaliveSession;
import io.homeport.beacon.KeepaliveOutcome;
import io.homeport.config.ConfigLoader;
import io.homeport.config.HomeportConfig;
import io.homeport.server.HomeportServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

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
  private final Map<Long, KeepaliveSession> outstanding = new java.util.concurrent.ConcurrentHashMap<>();

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
      List<DatagramSocket> sockets = openSockets(vertx);
      int port = server.beaconPort();

      // prime: every device learns a nonce through the 401 path, which changes no server state
      AtomicLong answers = new AtomicLong();
      handleAnswers(sockets, answers);
      sendAll(sessions, sockets, port);
      awaitCount(answers, sessions.size(), Duration.ofSeconds(60));
      long baseline = HeapReadings.usedHeapAfterGc();

      answers.set(0);
      sendAll(sessions, sockets, port);
      awaitCount(answers, sessions.size(), Duration.ofSeconds(60));
      int online = server.presence().onlineCount();
      long withPresence = HeapReadings.usedHeapAfterGc();
      double heapPerDevice = (double) (withPresence - baseline) / Math.max(1, online);
      out.printf("%d devices online; server heap per online device: %.0f bytes%n", online, heapPerDevice);

      // steady state: keepalives at the requested rate, round robin over the devices; the server's own
      // counter says how many it accepted (the client shares the two cores and may miss answers)
      answers.set(0);
      long acceptedBefore = server.beaconCounters().get(KeepaliveOutcome.ACCEPTED);
      long started = System.nanoTime();
      long sent = sendAtRate(sessions, sockets, port);
      long sendingNanos = System.nanoTime() - started;
      Thread.sleep(1000); // answers still in flight
      long accepted = server.beaconCounters().get(KeepaliveOutcome.ACCEPTED) - acceptedBefore;
      double perSecond = accepted / (sendingNanos / 1e9);
      out.printf("offered %d keepalives in %.1fs (%.0f/s); server accepted %d: %.0f accepted keepalives/s; "
          + "client received %d answers in time%n", sent, sendingNanos / 1e9, sent / (sendingNanos / 1e9), accepted,
          perSecond, answers.get());
      Figures figures = new Figures(options.devices(), online, sent, accepted, perSecond, heapPerDevice,
          server.beaconCounters().total(), server.beaconCounters().snapshot());
      server.stop().await(30, TimeUnit.SECONDS);
      return figures;
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
      TempFiles.deleteRecursively(dataDir);
    }
  }

  private List<DatagramSocket> openSockets(Vertx vertx) {
    List<DatagramSocket> sockets = new ArrayList<>();
    for (int i = 0; i < options.sockets(); i++) {
      // no receive buffer size: Vert.x would size every read buffer from it and zero 4 MiB per answer
      DatagramSocket s = vertx.createDatagramSocket(
          new DatagramSocketOptions().setSendBufferSize(4 << 20));
      sockets.add(s.listen(0, "127.0.0.1").await());
    }
    return sockets;
  }

  /** Answers are matched to their device by transaction id (STUN header bytes 8-19). */
  private void handleAnswers(List<DatagramSocket> sockets, AtomicLong answered) {
    for (DatagramSocket socket : sockets) {
      socket.handler(packet -> {
        byte[] data = packet.data().getBytes();
        if (data.length < 20) {
          return;
        }
        KeepaliveSession session = outstanding.remove(transactionKey(data));
        if (session != null && !(session.onDatagram(data) instanceof KeepaliveSession.Ignored)) {
          answered.incrementAndGet();
        }
      });
    }
  }

  private void send(List<KeepaliveSession> sessions, List<DatagramSocket> sockets, int i, int port) {
    KeepaliveSession session = sessions.get(i);
    byte[] keepalive = session.nextKeepalive();
    outstanding.put(transactionKey(keepalive), session);
    sockets.get(i % sockets.size()).send(Buffer.buffer(keepalive), port, "127.0.0.1");
  }

  private static long transactionKey(byte[] stunMessage) {
    return java.nio.ByteBuffer.wrap(stunMessage, 12, 8).getLong();
  }

  private void sendAll(List<KeepaliveSession> sessions, List<DatagramSocket> sockets, int port) throws InterruptedException {
    for (int i = 0; i < sessions.size(); i++) {
      send(sessions, sockets, i, port);
      if (i % 500 == 499) {
        Thread.sleep(5); // let the socket buffers drain
      }
    }
  }

  private long sendAtRate(List<KeepaliveSession> sessions, List<DatagramSocket> sockets, int port)
      throws InterruptedException {
    long tickMillis = 10;
    long perTick = Math.max(1, options.rate() * tickMillis / 1000);
    long ticks = options.duration().toMillis() / tickMillis;
    long sent = 0;
    int next = 0;
    long start = System.nanoTime();
    for (long t = 0; t < ticks; t++) {
      for (long j = 0; j < perTick; j++) {
        send(sessions, sockets, next, port);
        next = (next + 1) % sessions.size();
        sent++;
      }
      long due = start + (t + 1) * tickMillis * 1_000_000;
      long sleep = due - System.nanoTime();
      if (sleep > 0) {
        TimeUnit.NANOSECONDS.sleep(sleep);
      }
    }
    return sent;
  }

  private static void awaitCount(AtomicLong counter, long target, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (counter.get() < target && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }
}
