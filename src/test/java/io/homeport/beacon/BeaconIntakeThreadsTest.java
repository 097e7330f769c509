package io.homeport.beacon;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.agent.KeepaliveSession;
import io.homeport.testing.TestServer;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The beacon port served by several sockets (SO_REUSEPORT), each read by its own thread. */
class BeaconIntakeThreadsTest {
  static final int THREADS = 4;

  @TempDir
  static Path dir;
  static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(TestServer.config(dir.resolve("data"), java.util.Map.of()),
        builder -> builder.beaconIntakeThreads(THREADS));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  @DisplayName("Verifies that devices spread by the kernel over several beacon sockets all come online on one port, "
      + "and a keepalive replayed from other source ports (other sockets) is refused")
  void devicesOverSeveralSockets() throws Exception {
    // given 32 devices, each on its own client socket, so the kernel spreads them over the beacon's sockets
    List<UdpDevice> devices = new ArrayList<>();
    try {
      for (int i = 0; i < 32; i++) {
        devices.add(new UdpDevice(server.enrollDevice("spread-" + i), server.server().beaconPort()));
      }
      // when each sends its first contact and keepalive
      for (UdpDevice d : devices) {
        assertThat(d.keepalive()).isInstanceOf(KeepaliveSession.Accepted.class);
      }
      // then every one is online at its own mapping, and more than one socket read them
      assertThat(server.server().beacon().datagramsPerSocket()).hasSize(THREADS)
          .satisfies(perSocket -> assertThat(java.util.Arrays.stream(perSocket).filter(n -> n > 0).count())
              .isGreaterThan(1));
      for (UdpDevice d : devices) {
        assertThat(server.presence(d.session.deviceId()).getString("publicAddress"))
            .endsWith(":" + d.socket.getLocalPort());
      }

      // when one genuine keepalive is accepted and then sent again from 16 other source ports
      UdpDevice first = devices.get(0);
      byte[] k = first.session.nextKeepalive();
      assertThat(first.exchange(k)).isInstanceOf(KeepaliveSession.Accepted.class);
      BeaconCounters counters = server.server().beaconCounters();
      long accepted = counters.get(KeepaliveOutcome.ACCEPTED);
      long replayed = counters.get(KeepaliveOutcome.REPLAYED);
      for (int i = 0; i < 16; i++) {
        try (DatagramSocket attacker = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
          attacker.send(new DatagramPacket(k, k.length, InetAddress.getLoopbackAddress(),
              server.server().beaconPort()));
        }
      }
      // then each copy is refused as a replay, whichever socket read it, and the mapping did not move
      TestServer.await("16 replays counted", Duration.ofSeconds(5),
          () -> counters.get(KeepaliveOutcome.REPLAYED) >= replayed + 16);
      assertThat(counters.get(KeepaliveOutcome.ACCEPTED)).isEqualTo(accepted);
      assertThat(server.presence(first.session.deviceId()).getString("publicAddress"))
          .endsWith(":" + first.socket.getLocalPort());
    } finally {
      devices.forEach(UdpDevice::close);
    }
  }

  @Test
  @DisplayName("Verifies that a datagram longer than the read buffer is dropped, counted as malformed and not "
      + "answered, and the beacon keeps serving")
  void oversizedDatagram() throws Exception {
    // given an online device
    try (UdpDevice device = new UdpDevice(server.enrollDevice("oversized"), server.server().beaconPort())) {
      assertThat(device.keepalive()).isInstanceOf(KeepaliveSession.Accepted.class);
      BeaconCounters counters = server.server().beaconCounters();
      long malformed = counters.get(KeepaliveOutcome.MALFORMED);
      // when a 9,000-byte datagram reaches the beacon from the device's socket
      byte[] big = new byte[9_000];
      device.socket.send(new DatagramPacket(big, big.length, InetAddress.getLoopbackAddress(),
          server.server().beaconPort()));
      // then it is counted as malformed, nothing answers it, and the next keepalive is served
      TestServer.await("the datagram counted", Duration.ofSeconds(5),
          () -> counters.get(KeepaliveOutcome.MALFORMED) == malformed + 1);
      assertThat(device.keepalive()).isInstanceOf(KeepaliveSession.Accepted.class);
    }
  }
}
