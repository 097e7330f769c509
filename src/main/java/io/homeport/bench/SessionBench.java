package io.homeport.bench;

import io.homeport.agent.AgentState;
import io.homeport.agent.ConsentPolicy;
import io.homeport.agent.DeviceAgent;
import io.homeport.agent.DeviceBundle;
import io.homeport.agent.PeerDataPath;
import io.homeport.agent.PeerSession;
import io.homeport.config.ConfigLoader;
import io.homeport.config.HomeportConfig;
import io.homeport.peer.ForwardedDatagram;
import io.homeport.peer.PeerChannel;
import io.homeport.peer.PeerFrames;
import io.homeport.peer.PeerKeys;
import io.homeport.rendezvous.PermissionList;
import io.homeport.server.HomeportServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Peer sessions on loopback (DESIGN 5.1): an in-process server and two reference agents with the real
 * data path, the target exposing a UDP echo. Setup time runs from the session request to the first
 * echo through the session, once with punching (direct) and once with a data path that goes to the
 * relay at once (relayed). Then the relay alone: two sockets holding the side tokens of an established
 * session push frames through the relay port (datagrams/s), and ping-pong through it against the same
 * ping-pong sent directly (added latency). Client and server share the machine's cores.
 */
public final class SessionBench {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /** What to run: sessions per kind of setup, frames for the throughput phase and their payload size. */
  public record Options(int sessions, int frames, int payloadBytes, int pings) {
    public Options {
      if (sessions < 1 || frames < 1 || pings < 1 || payloadBytes < 1 || payloadBytes > 1400) {
        throw new IllegalArgumentException("sessions, frames and pings must be positive; payload 1-1400 bytes");
      }
    }
  }

  /** The measured figures. */
  public record Figures(LatencyRecorder.Summary directSetup, LatencyRecorder.Summary relayedSetup,
      double relayDatagramsPerSecond, double relayBytesPerSecond, double relayLossPercent,
      LatencyRecorder.Summary directRoundTrip, LatencyRecorder.Summary relayRoundTrip) {}

  private final Options options;
  private final PrintStream out;

  public SessionBench(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  public Figures run() throws Exception {
    Runnable restoreLogs = BenchLogs.quiet();
    Path dataDir = Files.createTempDirectory("homeport-bench-sessions");
    Vertx serverVertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    Vertx agentVertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    HomeportServer server = null;
    try (UdpEcho echo = new UdpEcho()) {
      HomeportConfig config = ConfigLoader.load(null, Map.of()).withEphemeralLoopbackPorts().withDataDir(dataDir);
      server = HomeportServer.start(serverVertx, config).await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      out.printf("server up on loopback; relay on udp %d%n", server.relay().actualPort());
      LatencyRecorder direct = setups(server, config, agentVertx, echo, false);
      LatencyRecorder relayed = setups(server, config, agentVertx, echo, true);
      out.printf("session setup, request to first echo, %d sessions each:%n  direct  %s%n  relayed %s%n",
          options.sessions(), direct.summary(), relayed.summary());
      return relayAlone(server, config, agentVertx, direct.summary(), relayed.summary());
    } finally {
      agentVertx.close().await(10, TimeUnit.SECONDS);
      if (server != null) {
        server.stop().await(30, TimeUnit.SECONDS);
      }
      serverVertx.close().await(10, TimeUnit.SECONDS);
      TempFiles.deleteRecursively(dataDir);
      restoreLogs.run();
    }
  }

  /** Sessions one after the other between a fresh pair of agents: request to the first echo through it. */
  private LatencyRecorder setups(HomeportServer server, HomeportConfig config, Vertx vertx, UdpEcho echo,
      boolean relayOnly) throws Exception {
    String suffix = relayOnly ? "relayed" : "direct";
    DeviceBundle requester = enroll(server, config, "bench-requester-" + suffix);
    DeviceBundle target = enroll(server, config, "bench-target-" + suffix);
    await(server.permissions().replace(target.deviceId(), PermissionList.Mode.SERVER, List.of(requester.deviceId()), null),
        "permission list");
    int listenPort;
    try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      listenPort = probe.getLocalPort();
    }
    InetSocketAddress listen = new InetSocketAddress("127.0.0.1", listenPort);
    List<PeerDataPath.Listened> listened = List.of(new PeerDataPath.Listened(target.deviceId(), "echo", listen));
    List<PeerDataPath.Exposed> exposed = List.of(new PeerDataPath.Exposed("echo", echo.address()));
    PeerChannel.Settings settings = PeerChannel.Settings.DEFAULTS;
    DeviceAgent asking = new DeviceAgent(requester, Clock.systemUTC(), null, Duration.ZERO).withSessions(relayOnly
        ? PeerDataPath.throughRelayOnly(List.of(), listened, settings, Clock.systemUTC())
        : new PeerDataPath(List.of(), listened, settings, Clock.systemUTC()), ConsentPolicy.REJECT_ALL);
    DeviceAgent answering = new DeviceAgent(target, Clock.systemUTC(), null, Duration.ZERO).withSessions(relayOnly
        ? PeerDataPath.throughRelayOnly(exposed, List.of(), settings, Clock.systemUTC())
        : new PeerDataPath(exposed, List.of(), settings, Clock.systemUTC()), ConsentPolicy.REJECT_ALL);
    await(vertx.deployVerticle(asking), "requester agent");
    await(vertx.deployVerticle(answering), "target agent");
    awaitOnline(asking, answering);
    LatencyRecorder setups = new LatencyRecorder();
    try (DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      client.setSoTimeout(2);
      for (int i = 0; i < options.sessions(); i++) {
        long start = System.nanoTime();
        PeerSession session = await(asking.requestSession(target.deviceId(), 0, 10), "session request").offer();
        if (session == null) {
          throw new IllegalStateException("the session was refused");
        }
        firstEcho(client, listen, i);
        setups.record(System.nanoTime() - start);
        await(asking.endSession(session.id(), "bench"), "session end");
      }
    }
    return setups;
  }

  /** Sends a datagram every 2 ms until its echo comes back through the session. */
  private static void firstEcho(DatagramSocket client, InetSocketAddress to, int n) throws Exception {
    byte[] ping = ("setup-" + n).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] in = new byte[2048];
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      client.send(new DatagramPacket(ping, ping.length, to));
      try {
        DatagramPacket p = new DatagramPacket(in, in.length);
        client.receive(p);
        if (new String(p.getData(), 0, p.getLength(), java.nio.charset.StandardCharsets.US_ASCII).equals("setup-" + n)) {
          return;
        }
      } catch (SocketTimeoutException e) {
        // not through yet
      }
    }
    throw new IllegalStateException("no echo through session " + n + " within " + TIMEOUT.toSeconds() + " s");
  }

  /** The relay port alone, with the side tokens of an established session, against the same traffic sent directly. */
  private Figures relayAlone(HomeportServer server, HomeportConfig config, Vertx vertx,
      LatencyRecorder.Summary directSetup, LatencyRecorder.Summary relayedSetup) throws Exception {
    DeviceBundle a = enroll(server, config, "bench-relay-a");
    DeviceBundle b = enroll(server, config, "bench-relay-b");
    await(server.permissions().replace(b.deviceId(), PermissionList.Mode.SERVER, List.of(a.deviceId()), null),
        "permission list");
    DeviceAgent asking = new DeviceAgent(a, Clock.systemUTC(), null, Duration.ZERO);
    DeviceAgent answering = new DeviceAgent(b, Clock.systemUTC(), null, Duration.ZERO);
    await(vertx.deployVerticle(asking), "agent");
    await(vertx.deployVerticle(answering), "agent");
    awaitOnline(asking, answering);
    PeerSession session = await(asking.requestSession(b.deviceId(), 0, 10), "session request").offer();
    PeerKeys requesterKeys = PeerKeys.derive(session.id(), session.key(), true);
    PeerKeys targetKeys = PeerKeys.derive(session.id(), session.key(), false);
    InetSocketAddress relay = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.relay().actualPort());
    byte[] payload = new byte[options.payloadBytes()];
    byte[] fromRequester = PeerFrames.relayed(requesterKeys, payload);
    byte[] fromTarget = PeerFrames.relayed(targetKeys, payload);
    try (DatagramSocket sideA = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        DatagramSocket sideB = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      sideA.setReceiveBufferSize(4 << 20);
      sideB.setReceiveBufferSize(4 << 20);
      // both sides register with a frame each (the relay learns where they are)
      sideB.send(new DatagramPacket(fromTarget, fromTarget.length, relay));
      sideA.setSoTimeout(1000);
      sideA.send(new DatagramPacket(fromRequester, fromRequester.length, relay));
      sideB.setSoTimeout(1000);
      sideB.receive(new DatagramPacket(new byte[2048], 2048));

      // throughput: A pushes frames in windows of 64, B counts what arrives
      AtomicLong received = new AtomicLong();
      Thread counter = new Thread(() -> {
        byte[] buf = new byte[2048];
        try {
          sideB.setSoTimeout(500);
          while (true) {
            sideB.receive(new DatagramPacket(buf, buf.length));
            received.incrementAndGet();
          }
        } catch (Exception e) {
          // quiet for 500 ms: done
        }
      }, "relay-bench-receiver");
      counter.start();
      long start = System.nanoTime();
      for (int i = 0; i < options.frames(); i++) {
        sideA.send(new DatagramPacket(fromRequester, fromRequester.length, relay));
        if (i % 64 == 63) {
          while (received.get() < i - 256 && System.nanoTime() - start < TIMEOUT.toNanos()) {
            Thread.onSpinWait(); // keep at most a few windows in flight, as a paced sender would
          }
        }
      }
      counter.join();
      double seconds = (System.nanoTime() - start) / 1e9 - 0.5; // minus the receiver's idle wait
      double perSecond = received.get() / Math.max(seconds, 1e-3);
      double loss = 100.0 * (options.frames() - received.get()) / options.frames();

      // added latency: ping-pong through the relay, and the same between the two sockets directly
      LatencyRecorder throughRelay = pingPong(sideA, sideB, fromRequester, fromTarget, relay, relay);
      LatencyRecorder directly = pingPong(sideA, sideB, fromRequester, fromTarget,
          new InetSocketAddress(InetAddress.getLoopbackAddress(), sideB.getLocalPort()),
          new InetSocketAddress(InetAddress.getLoopbackAddress(), sideA.getLocalPort()));
      out.printf("relay throughput: %,.0f datagrams/s, %,.1f MB/s of %d-byte frames (%d sent, %.2f%% lost)%n",
          perSecond, perSecond * fromRequester.length / 1e6, fromRequester.length, options.frames(), loss);
      out.printf("round trip, %d pings:%n  direct %s%n  relay  %s%n  added by the relay: p50 %.3f ms%n",
          options.pings(), directly.summary(), throughRelay.summary(),
          throughRelay.summary().p50Millis() - directly.summary().p50Millis());
      out.printf("overhead per datagram: data frame %d bytes (header, kind, tag), relay header %d, "
          + "forwarded-UDP header %d + service name%n", PeerFrames.DATA_OVERHEAD, PeerFrames.RELAY_HEADER,
          ForwardedDatagram.HEADER_BYTES);
      return new Figures(directSetup, relayedSetup, perSecond, perSecond * fromRequester.length, loss,
          directly.summary(), throughRelay.summary());
    } finally {
      asking.endSession(session.id(), "bench");
    }
  }

  private LatencyRecorder pingPong(DatagramSocket a, DatagramSocket b, byte[] fromA, byte[] fromB,
      InetSocketAddress aSendsTo, InetSocketAddress bSendsTo) throws Exception {
    LatencyRecorder rtt = new LatencyRecorder();
    byte[] buf = new byte[2048];
    a.setSoTimeout(1000);
    b.setSoTimeout(1000);
    for (int i = 0; i < options.pings(); i++) {
      long start = System.nanoTime();
      a.send(new DatagramPacket(fromA, fromA.length, aSendsTo));
      b.receive(new DatagramPacket(buf, buf.length));
      b.send(new DatagramPacket(fromB, fromB.length, bSendsTo));
      a.receive(new DatagramPacket(buf, buf.length));
      rtt.record(System.nanoTime() - start);
    }
    return rtt;
  }

  private static DeviceBundle enroll(HomeportServer server, HomeportConfig config, String id) {
    return await(BenchDevices.bundle(server, id, server.beaconPort(), server.deviceChannelPort(),
        (int) config.keepaliveInterval().toSeconds()), "enrollment");
  }

  private static void awaitOnline(DeviceAgent... agents) throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    for (DeviceAgent agent : agents) {
      while (agent.state() != AgentState.ONLINE) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("agents not online within " + TIMEOUT.toSeconds() + " s");
        }
        Thread.sleep(20);
      }
    }
  }

  private static <T> T await(Future<T> f, String what) {
    try {
      return f.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(what + " failed: " + e.getMessage(), e);
    }
  }
}
