package io.homeport.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.agent.ConsentPolicy;
import io.homeport.agent.DeviceAgent;
import io.homeport.agent.PeerSession;
import io.homeport.peer.PeerFrames;
import io.homeport.peer.PeerKeys;
import io.homeport.testing.TestAgents;
import io.homeport.testing.TestServer;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-in relay on its UDP port, bound to sessions by the offers' grants. */
class RelayEndToEndTest {

  @Test
  @DisplayName("Verifies that offers carry a relay grant, the relay forwards frames between the two sides of an "
      + "established session unchanged, and stops the moment an operator ends it")
  void relaysUntilTheEnd(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.start(dir.resolve("data"));
        TestAgents agents = new TestAgents(server);
        DatagramSocket requester = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        DatagramSocket target = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      // given an established session whose offer grants the relay with the requester's token
      DeviceAgent alpha = agents.start("a", "alpha", ConsentPolicy.REJECT_ALL);
      agents.start("b", "bravo", ConsentPolicy.REJECT_ALL);
      agents.permit("b", "server", "a");
      PeerSession offer = agents.session(alpha, "bravo");
      assertThat(offer.relay()).isNotNull();
      int relayPort = server.server().relay().actualPort();
      assertThat(offer.relay().getString("address")).endsWith(":" + relayPort);
      assertThat(Base64.getDecoder().decode(offer.relay().getString("token")))
          .isEqualTo(PeerKeys.relayToken(offer.id(), offer.key(), true));
      byte[] fromTarget = PeerFrames.relayed(PeerKeys.derive(offer.id(), offer.key(), false), "hello".getBytes());
      byte[] fromRequester = PeerFrames.relayed(PeerKeys.derive(offer.id(), offer.key(), true), "world".getBytes());
      requester.setSoTimeout(2000);
      target.setSoTimeout(300);

      // when the target registers, and the requester sends
      send(target, fromTarget, relayPort);
      TestServer.await("the relay saw the target", Duration.ofSeconds(5), () -> server.server().relay().processor()
          .dropped(RelayProcessor.Drop.PEER_NOT_YET_SEEN) == 1);
      send(requester, fromRequester, relayPort);

      // then the target gets the requester's frame byte for byte, and the answer comes back
      assertThat(receive(target)).isEqualTo(fromRequester);
      send(target, fromTarget, relayPort);
      assertThat(receive(requester)).isEqualTo(fromTarget);

      // when an operator ends the session, then the very next frame is not forwarded
      server.admin("DELETE", "/api/v1/sessions/" + offer.id(), null, 200);
      long ended = System.nanoTime();
      TestServer.await("the allocation is closed", Duration.ofMillis(100),
          () -> server.server().relay().processor().allocations() == 0);
      System.out.printf("relay stopped %d ms after the end%n", (System.nanoTime() - ended) / 1_000_000);
      send(requester, fromRequester, relayPort);
      target.setSoTimeout(500);
      assertThat(receive(target)).isNull();
      assertThat(server.server().relay().processor().dropped(RelayProcessor.Drop.UNKNOWN_TOKEN)).isEqualTo(1);
      // and the session log has the relay's own count of what it forwarded (one frame each way)
      long forwarded = fromRequester.length + fromTarget.length;
      TestServer.await("the relay's count in the log", Duration.ofSeconds(5), () -> {
        try {
          return server.admin("GET", "/api/v1/sessions/" + offer.id(), null, 200).getLong("relayBytes") == forwarded;
        } catch (Exception e) {
          return false;
        }
      });
    }
  }

  @Test
  @DisplayName("Verifies that a session established before a server restart is relayed after it")
  void relaysSessionsPickedUpAfterARestart(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.start(dir.resolve("data"));
        TestAgents agents = new TestAgents(server);
        DatagramSocket requester = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        DatagramSocket target = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      // given an established session
      DeviceAgent alpha = agents.start("a", "alpha", ConsentPolicy.REJECT_ALL);
      agents.start("b", "bravo", ConsentPolicy.REJECT_ALL);
      agents.permit("b", "server", "a");
      PeerSession offer = agents.session(alpha, "bravo");

      // when the server restarts on the same data directory
      server.restart();

      // then the relay forwards the session's frames
      int relayPort = server.server().relay().actualPort();
      assertThat(server.server().relay().processor().allocations()).isEqualTo(1);
      byte[] fromTarget = PeerFrames.relayed(PeerKeys.derive(offer.id(), offer.key(), false), "hello".getBytes());
      byte[] fromRequester = PeerFrames.relayed(PeerKeys.derive(offer.id(), offer.key(), true), "again".getBytes());
      target.setSoTimeout(2000);
      send(target, fromTarget, relayPort);
      TestServer.await("the relay saw the target", Duration.ofSeconds(5), () -> server.server().relay().processor()
          .dropped(RelayProcessor.Drop.PEER_NOT_YET_SEEN) == 1);
      send(requester, fromRequester, relayPort);
      assertThat(receive(target)).isEqualTo(fromRequester);
    }
  }

  private static void send(DatagramSocket s, byte[] d, int port) throws Exception {
    s.send(new DatagramPacket(d, d.length, InetAddress.getLoopbackAddress(), port));
  }

  private static byte[] receive(DatagramSocket s) throws Exception {
    byte[] buf = new byte[2048];
    DatagramPacket p = new DatagramPacket(buf, buf.length);
    try {
      s.receive(p);
      return Arrays.copyOf(buf, p.getLength());
    } catch (SocketTimeoutException e) {
      return null;
    }
  }
}
