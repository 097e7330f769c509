package io.homeport.bench;

import io.homeport.agent.KeepaliveSession;
import io.homeport.config.ConfigLoader;
import io.homeport.config.HomeportConfig;
import io.homeport.device.Device;
import io.homeport.device.DeviceKeyring;
import io.homeport.device.DeviceService;
import io.homeport.device.DeviceState;
import io.homeport.presence.PresenceTable;
import io.homeport.server.HomeportServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractCollection;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Memory at fleet scale (issue 9, item 4): fills the keyring of an in-process server with many
 * synthetic enrolled devices, brings every one online with real keepalive datagrams on loopback, and
 * prints the heap each enrolled and online device costs.
 *
 * <p>The devices are not enrolled through the CSR path (the enrollment bench does that): the keyring is
 * loaded with {@link DeviceKeyring#load}, as the server loads it from the store at start, from devices
 * generated on the fly (ids {@code fleet-0000000}..., a beacon key and a 128-bit serial each, derived
 * from the index so the load generator needs no list of them). The keepalives are real: each device's
 * first one has no nonce and gets the 401 with one, the second is accepted. The load generator keeps
 * only the devices in flight, so after the run the heap holds the server's state alone.
 *
 * <p>Heap is read after full collections: before the keyring is loaded, after, and once every device
 * is online and the event log has stored their {@code device.online} events. The offline grace is set
 * to hours so that no device goes offline during the run.
 */
public final class FleetBench {

  /** What to run. */
  public record Options(int devices, int sockets, int window, Duration timeout) {
    public Options {
      if (devices < 1 || sockets < 1 || window < 1) {
        throw new IllegalArgumentException("devices, sockets and window must be positive");
      }
    }
  }

  /** What was measured; heap figures in bytes. */
  public record Figures(int devices, int online, double loadSeconds, double onlineSeconds, long keyringHeap,
      long presenceHeap, long keyringArrays, long presenceArrays, long retransmissions) {
    public double bytesPerDevice() {
      return (double) (keyringHeap + presenceHeap) / devices;
    }
  }

  /** Stop feeding new devices while this many events wait for the store: the event log drops beyond 100,000. */
  private static final int EVENT_BACKLOG_HIGH = 50_000;
  private static final long RETRANSMIT_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Options options;
  private final PrintStream out;

  public FleetBench(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  public Figures run() throws Exception {
    Runnable restoreLogs = BenchLogs.quiet();
    Path dataDir = Files.createTempDirectory("homeport-fleet");
    HomeportConfig config = ConfigLoader.load(null, Map.of()).withEphemeralLoopbackPorts().withDataDir(dataDir)
        .withKeepalive(Duration.ofSeconds(25), Duration.ofHours(6));
    Vertx serverVertx = Vertx.vertx();
    Vertx clientVertx = Vertx.vertx();
    try {
      HomeportServer server = HomeportServer.start(serverVertx, config).await(60, TimeUnit.SECONDS);
      Fleet fleet = new Fleet(clientVertx, server.beaconPort());
      long baseline = HeapReadings.usedHeapAfterGc();

      out.printf("loading %,d devices into the keyring...%n", options.devices());
      long started = System.nanoTime();
      server.keyring().load(syntheticDevices(options.devices()), List.of());
      double loadSeconds = (System.nanoTime() - started) / 1e9;
      long withKeyring = HeapReadings.usedHeapAfterGc();
      out.printf(Locale.ROOT, "keyring loaded in %.1fs: %,d devices, heap +%,d bytes%n", loadSeconds,
          server.keyring().size(), withKeyring - baseline);

      out.printf("bringing them online (401 with a nonce, then the keepalive), %d in flight over %d sockets...%n",
          options.window(), options.sockets());
      started = System.nanoTime();
      fleet.bringOnline(server);
      double onlineSeconds = (System.nanoTime() - started) / 1e9;
      server.events().flush().await(5, TimeUnit.MINUTES);
      int online = server.presence().onlineCount();
      long withPresence = HeapReadings.usedHeapAfterGc();
      long presenceArrays = server.presence() instanceof PresenceTable table ? table.arrayBytes() : -1;
      Figures figures = new Figures(options.devices(), online, loadSeconds, onlineSeconds, withKeyring - baseline,
          withPresence - withKeyring, server.keyring().arrayBytes(), presenceArrays, fleet.retransmissions.get());
      out.printf(Locale.ROOT, "%,d online in %.1fs (%.0f devices/s, %,d retransmissions); heap: keyring %,d bytes "
              + "(%.1f per device; its arrays %,d), presence %,d bytes (%.1f per device; its arrays %,d)%n",
          online, onlineSeconds, online / onlineSeconds, figures.retransmissions(), figures.keyringHeap(),
          (double) figures.keyringHeap() / options.devices(), figures.keyringArrays(), figures.presenceHeap(),
          (double) figures.presenceHeap() / options.devices(), figures.presenceArrays());
      server.stop().await(60, TimeUnit.SECONDS);
      return figures;
    } finally {
      clientVertx.close().await(30, TimeUnit.SECONDS);
      serverVertx.close().await(30, TimeUnit.SECONDS);
      TempFiles.deleteRecursively(dataDir);
      restoreLogs.run();
    }
  }

  static String deviceId(int index) {
    return String.format(Locale.ROOT, "fleet-%07d", index);
  }

  /** The bench's key for a device: derived from its index, so neither side keeps a list. */
  static byte[] beaconKey(int index) {
    byte[] key = new byte[DeviceService.BEACON_KEY_LENGTH];
    new SplittableRandom(0x5EEDL * 1_000_003L + index).nextBytes(key);
    return key;
  }

  /** Enrolled devices made as they are iterated: the keyring loads them one by one, none stays behind. */
  private static AbstractCollection<Device> syntheticDevices(int n) {
    Instant now = Instant.now();
    return new AbstractCollection<>() {
      @Override
      public Iterator<Device> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < n;
          }

          @Override
          public Device next() {
            int i = next++;
            SplittableRandom random = new SplittableRandom(i);
            // a serial like the CA's: 128 random bits in hex
            String serial = Long.toHexString(random.nextLong() | Long.MIN_VALUE) + String.format("%016x", random.nextLong());
            return new Device(deviceId(i), null, "bench", null, DeviceState.ENROLLED, now, now, null, serial,
                now.plus(Duration.ofDays(365)), beaconKey(i));
          }
        };
      }

      @Override
      public int size() {
        return n;
      }
    };
  }

  /** The load generator: a window of devices in flight, each answered keepalive moving it on. */
  private final class Fleet {
    private final List<DatagramSocket> sockets = new ArrayList<>();
    private final int port;
    private final Map<Long, InFlight> inFlight = new ConcurrentHashMap<>();
    private final Semaphore window = new Semaphore(options.window());
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicLong retransmissions = new AtomicLong();

    /** One device's keepalive awaiting its answer; only the thread that removes it from the map touches the session. */
    private record InFlight(KeepaliveSession session, int socket, long sentNanos, int attempt) {
      /** Backs off 1, 2, 4, 8 s: a loaded server must not drown in retransmissions (answers to a superseded keepalive are lost). */
      boolean overdue(long now) {
        return now - sentNanos > RETRANSMIT_AFTER_NANOS << Math.min(attempt, 3);
      }
    }

    Fleet(Vertx vertx, int port) {
      this.port = port;
      for (int i = 0; i < options.sockets(); i++) {
        // no receive buffer size: Vert.x would size every read buffer from it and zero 4 MiB per answer
        DatagramSocket socket = vertx.createDatagramSocket(
            new DatagramSocketOptions().setSendBufferSize(4 << 20));
        socket.handler(packet -> onAnswer(packet.data().getBytes()));
        sockets.add(socket.listen(0, "127.0.0.1").await());
      }
      vertx.setPeriodic(250, id -> retransmitOverdue());
    }

    void bringOnline(HomeportServer server) throws InterruptedException {
      long nowMillis = System.currentTimeMillis();
      long lastReport = System.nanoTime();
      long deadline = System.nanoTime() + options.timeout().toNanos();
      for (int i = 0; i < options.devices(); i++) {
        while (!window.tryAcquire(100, TimeUnit.MILLISECONDS) || server.events().backlog() > EVENT_BACKLOG_HIGH) {
          lastReport = progress(server, lastReport, deadline);
        }
        send(new KeepaliveSession(deviceId(i), beaconKey(i), nowMillis), i % sockets.size(), 0);
        lastReport = progress(server, lastReport, deadline);
      }
      while (accepted.get() < options.devices()) {
        lastReport = progress(server, lastReport, deadline);
        Thread.sleep(50);
      }
    }

    /** Reports every ten seconds; fails past the deadline. */
    private long progress(HomeportServer server, long lastReport, long deadline) {
      long now = System.nanoTime();
      if (now - lastReport > TimeUnit.SECONDS.toNanos(10)) {
        out.printf("  %,d online; beacon outcomes %s; event backlog %,d%n", accepted.get(),
            server.beaconCounters().snapshot(), server.events().backlog());
        lastReport = now;
      }
      if (now > deadline) {
        throw new IllegalStateException("only " + accepted.get() + " of " + options.devices() + " devices online after "
            + options.timeout().toSeconds() + "s");
      }
      return lastReport;
    }

    private void send(KeepaliveSession session, int socket, int attempt) {
      byte[] keepalive = session.nextKeepalive();
      inFlight.put(transactionKey(keepalive), new InFlight(session, socket, System.nanoTime(), attempt));
      sockets.get(socket).send(Buffer.buffer(keepalive), port, "127.0.0.1");
    }

    private void onAnswer(byte[] datagram) {
      if (datagram.length < 20) {
        return;
      }
      InFlight f = inFlight.remove(transactionKey(datagram));
      if (f == null) {
        return; // late answer to a retransmitted keepalive
      }
      if (f.session().onDatagram(datagram) instanceof KeepaliveSession.Accepted) {
        accepted.incrementAndGet();
        window.release();
      } else {
        send(f.session(), f.socket(), 0); // the 401 brought a nonce: the real keepalive now (anything else: again)
      }
    }

    private void retransmitOverdue() {
      long now = System.nanoTime();
      inFlight.forEach((key, f) -> {
        if (f.overdue(now) && inFlight.remove(key, f)) {
          retransmissions.incrementAndGet();
          send(f.session(), f.socket(), f.attempt() + 1);
        }
      });
    }
  }

  /** STUN transaction id bytes 12-19 identify a keepalive and its answer. */
  private static long transactionKey(byte[] stunMessage) {
    return java.nio.ByteBuffer.wrap(stunMessage, 12, 8).getLong();
  }
}
