package io.homeport.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.bench.UdpEcho;
import io.homeport.peer.PeerChannel;
import io.homeport.testing.Ports;
import io.homeport.testing.TestAgents;
import io.homeport.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's data path between two reference agents in this JVM: punching on loopback, UDP forwarding, end reports. */
class PeerDataPathTest {
  private static final Duration SOON = Duration.ofSeconds(10);

  @Test
  @DisplayName("Verifies that datagrams sent to the requester's listening port reach the target's exposed service over a "
      + "direct path and the answers come back to each client; both end reports carry the bytes and the path")
  void forwardsUdpThroughADirectSession(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.start(dir.resolve("data"));
        TestAgents agents = new TestAgents(server);
        UdpEcho echo = new UdpEcho();
        DatagramSocket clientOne = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        DatagramSocket clientTwo = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      // given bravo exposing the echo service and alpha listening on a local port for it
      int listenPort = Ports.freeUdp();
      PeerDataPath alphaPath = new PeerDataPath(List.of(), List.of(new PeerDataPath.Listened("bravo", "echo",
          new InetSocketAddress("127.0.0.1", listenPort))), PeerChannel.Settings.DEFAULTS, Clock.systemUTC());
      PeerDataPath bravoPath = new PeerDataPath(List.of(new PeerDataPath.Exposed("echo", echo.address())), List.of(),
          PeerChannel.Settings.DEFAULTS, Clock.systemUTC());
      DeviceAgent alpha = agents.start("a", "alpha", ConsentPolicy.REJECT_ALL, alphaPath);
      DeviceAgent bravo = agents.start("b", "bravo", ConsentPolicy.REJECT_ALL, bravoPath);
      agents.permit("b", "server", "a");

      // when alpha asks for a session and two local clients send through it
      PeerSession session = agents.session(alpha, "bravo");
      assertThat(session).isNotNull();
      TestServer.await("a direct path on both sides", SOON, () -> isDirect(alphaPath, session.id())
          && isDirect(bravoPath, session.id()));
      InetSocketAddress listen = new InetSocketAddress("127.0.0.1", listenPort);

      // then each client gets its own answers back
      assertThat(roundTrip(clientOne, listen, "one-1")).isEqualTo("one-1");
      assertThat(roundTrip(clientTwo, listen, "two-1")).isEqualTo("two-1");
      assertThat(roundTrip(clientOne, listen, "one-2")).isEqualTo("one-2");
      assertThat(echo.sources()).as("one flow, one source port at the target, per client").hasSize(2);

      // and after an operator ends the session, both reports in the log carry bytes and the direct path
      server.admin("DELETE", "/api/v1/sessions/" + session.id(), null, 200);
      TestServer.await("both end reports", SOON, () -> reports(agents, session.id()) == 2);
      JsonObject log = agents.log(session.id());
      for (String side : List.of("requester", "target")) {
        JsonObject report = log.getJsonObject("reports").getJsonObject(side);
        assertThat(report.getString("path")).as(side).isEqualTo("direct");
        assertThat(report.getLong("bytesSent")).as(side).isPositive();
        assertThat(report.getLong("bytesReceived")).as(side).isPositive();
      }
      assertThat(log.getString("path")).isEqualTo("direct");
      assertThat(bravo.session(session.id())).isEmpty();
      long droppedBefore = alphaPath.droppedDatagrams();
      assertThat(roundTripOrNull(clientOne, listen, "after-end")).as("nothing forwarded after the end").isNull();
      assertThat(alphaPath.droppedDatagrams()).as("the datagram after the end, counted").isEqualTo(droppedBefore + 1);
    }
  }

  @Test
  @DisplayName("Verifies that forged probes, probes under another session's key and relayed frames from a stranger "
      + "reaching an agent's keepalive socket are dropped and counted, and none is answered")
  void dropsForgedFrames(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.start(dir.resolve("data"));
        TestAgents agents = new TestAgents(server);
        DatagramSocket stranger = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      // given bravo holding a session with alpha
      PeerDataPath bravoPath = new PeerDataPath(List.of(), List.of(), PeerChannel.Settings.DEFAULTS, Clock.systemUTC());
      DeviceAgent alpha = agents.start("a", "alpha", ConsentPolicy.REJECT_ALL,
          new PeerDataPath(List.of(), List.of(), PeerChannel.Settings.DEFAULTS, Clock.systemUTC()));
      DeviceAgent bravo = agents.start("b", "bravo", ConsentPolicy.REJECT_ALL, bravoPath);
      agents.permit("b", "server", "a");
      PeerSession session = agents.session(alpha, "bravo");
      TestServer.await("bravo's direct path", SOON, () -> isDirect(bravoPath, session.id()));
      InetSocketAddress bravoSocket = new InetSocketAddress("127.0.0.1", bravo.localPort());
      long before = bravoPath.unclaimedFrames();

      // when a stranger sends a forged probe, a relayed frame with a made-up token, and the probes of a
      // channel keyed for another session
      byte[] forged = new byte[41];
      new java.security.SecureRandom().nextBytes(forged);
      forged[0] = 0x50;
      stranger.send(new DatagramPacket(forged, forged.length, bravoSocket));
      byte[] relayed = new byte[80];
      new java.security.SecureRandom().nextBytes(relayed);
      relayed[0] = 0x60;
      stranger.send(new DatagramPacket(relayed, relayed.length, bravoSocket));
      byte[] otherKey = new byte[32];
      new java.security.SecureRandom().nextBytes(otherKey);
      PeerChannel impostor = new PeerChannel(
          io.homeport.peer.PeerKeys.derive(java.util.UUID.randomUUID().toString(), otherKey, true),
          java.util.Map.of(bravoSocket, PeerChannel.Kind.PUBLIC), null, PeerChannel.Settings.DEFAULTS,
          (to, datagram) -> {
            try {
              stranger.send(new DatagramPacket(datagram, datagram.length, to));
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }, payload -> { }, System.currentTimeMillis());
      impostor.tick(System.currentTimeMillis());

      // then bravo counts all three as frames no session takes, and answers none of them
      TestServer.await("three unclaimed frames", SOON, () -> bravoPath.unclaimedFrames() >= before + 3);
      stranger.setSoTimeout(1000);
      byte[] in = new byte[2048];
      boolean answered;
      try {
        stranger.receive(new DatagramPacket(in, in.length));
        answered = true;
      } catch (SocketTimeoutException e) {
        answered = false;
      }
      assertThat(answered).as("an answer to a stranger").isFalse();
      assertThat(isDirect(bravoPath, session.id())).as("the real session goes on").isTrue();
    }
  }

  private static boolean isDirect(PeerDataPath path, String sessionId) {
    return path.path(sessionId).map(p -> p.kind() != PeerChannel.Kind.RELAY).orElse(false);
  }

  private static int reports(TestAgents agents, String sessionId) {
    try {
      JsonObject log = agents.log(sessionId);
      JsonObject reports = log.getJsonObject("reports");
      return (reports.getJsonObject("requester") == null ? 0 : 1) + (reports.getJsonObject("target") == null ? 0 : 1);
    } catch (Exception e) {
      return 0;
    }
  }

  private static String roundTrip(DatagramSocket client, InetSocketAddress to, String text) throws Exception {
    // UDP: the first datagrams may meet a flow socket still binding; a few tries, each with a short wait
    for (int i = 0; i < 5; i++) {
      String answer = roundTripOrNull(client, to, text);
      if (answer != null) {
        return answer;
      }
    }
    return null;
  }

  private static String roundTripOrNull(DatagramSocket client, InetSocketAddress to, String text) throws Exception {
    byte[] out = text.getBytes(StandardCharsets.UTF_8);
    client.send(new DatagramPacket(out, out.length, to));
    client.setSoTimeout(1000);
    byte[] in = new byte[2048];
    DatagramPacket p = new DatagramPacket(in, in.length);
    try {
      while (true) {
        client.receive(p);
        String got = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
        if (got.equals(text)) {
          return got;
        }
      }
    } catch (SocketTimeoutException e) {
      return null;
    }
  }
}
