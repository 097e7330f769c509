package io.homeport.peer;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.agent.ConsentPolicy;
import io.homeport.agent.DeviceAgent;
import io.homeport.agent.PeerDataPath;
import io.homeport.agent.PeerSession;
import io.homeport.testing.TestAgents;
import io.homeport.testing.TestServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped Wireshark dissector ({@code tools/wireshark/homeport.lua}) over a real capture on loopback. */
class WiresharkDissectorTest {
  private static final Path DISSECTOR = Path.of(System.getProperty("homeport.basedir", "."))
      .resolve("tools/wireshark/homeport.lua");

  @Test
  @DisplayName("Verifies that tshark with the dissector decodes a captured keepalive and its answer, a NAT mapping "
      + "question on the alternate port and the NAT behaviour keepalives report, a wake and its acknowledgement, peer probes, acks and data frames, and a relayed frame, naming every attribute")
  void decodesACapture(@TempDir Path dir) throws Exception {
    requireTshark();
    Path capture = dir.resolve("homeport.pcap");
    try (TestServer server = TestServer.start(dir.resolve("data"));
        TestAgents agents = new TestAgents(server)) {
      // given a capture running on loopback
      Process tshark = new ProcessBuilder("tshark", "-i", "lo", "-f", "udp", "-w", capture.toString())
          .redirectErrorStream(true).start();
      List<String> tsharkOut = new CopyOnWriteArrayList<>();
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(tshark.getInputStream(), StandardCharsets.UTF_8))) {
          for (String l; (l = r.readLine()) != null; ) {
            tsharkOut.add(l);
          }
        } catch (Exception ignored) {
          // ended
        }
      });
      reader.setDaemon(true);
      reader.start();
      TestServer.await("tshark capturing", Duration.ofSeconds(20), () -> tsharkOut.stream().anyMatch(l -> l.contains("Capturing")));
      PeerSession session;
      try {
        // when two agents keep alive, a command wakes one of them, they open a session (a wake, probes, acks,
        // heartbeats), and a relayed frame goes to the relay
        DeviceAgent alpha = agents.start("a", "alpha", ConsentPolicy.REJECT_ALL, dataPath());
        agents.start("b", "bravo", ConsentPolicy.REJECT_ALL, dataPath());
        agents.permit("b", "server", "a");
        server.admin("POST", "/api/v1/devices/b/commands?wait=10s", "{\"action\":\"capture\",\"params\":{}}", 200);
        session = agents.session(alpha, "bravo");
        byte[] relayed = PeerFrames.relayed(PeerKeys.derive(session.id(), session.key(), true),
            PeerFrames.data(PeerKeys.derive(session.id(), session.key(), true), PeerFrames.newCipher(), 7,
                PeerFrames.Kind.PAYLOAD, "through the relay".getBytes(StandardCharsets.UTF_8)));
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
          s.send(new DatagramPacket(relayed, relayed.length, InetAddress.getLoopbackAddress(),
              server.server().relay().actualPort()));
        }
        // and a NAT lifetime probe (agents on loopback see no NAT and send none) with its delayed answer
        probeLifetime(agents.bundle("a"), server.server().beaconPort());
        Thread.sleep(3000); // let heartbeats and the last answers land in the capture before it stops
      } finally {
        tshark.destroy();
        tshark.waitFor(10, TimeUnit.SECONDS);
      }

      // then the dissector decodes each of them, and no attribute is left unknown
      String decoded = run("tshark", "-r", capture.toString(), "-X", "lua_script:" + DISSECTOR.toAbsolutePath(),
          "-d", "udp.port==" + server.server().beaconPort() + ",homeport_beacon",
          "-d", "udp.port==" + server.server().beaconAltPort() + ",homeport_beacon",
          "-d", "udp.port==" + server.server().relay().actualPort() + ",homeport_peer", "-V");
      Files.writeString(Path.of(System.getProperty("homeport.basedir", ".")).resolve("target/wireshark-decoded.txt"),
          decoded);
      assertThat(decoded).contains("Binding Request (keepalive)", "Binding Success Response", "Binding Indication (wake)",
          "USERNAME", "SEQUENCE", "SERVER-NONCE", "LOCAL-ENDPOINT", "KEEPALIVE-INTERVAL", "PENDING", "SERVER-TIME",
          "WAKE (", "WAKE-ACK", "PADDING", "XOR-MAPPED-ADDRESS", "MESSAGE-INTEGRITY-SHA256", "FINGERPRINT",
          "NAT-BEHAVIOUR", "NAT mapping: endpoint-independent", "NAT-PROBE", "Answer after (s idle): 1", "Wake reason: command", "Wake reason: session", "Homeport peer probe", "Homeport peer ack", "Homeport peer data",
          "Homeport relay header", "Session id: " + session.id());
      assertThat(decoded).doesNotContain("Unknown attribute").doesNotContain("Lua Error");
    }
  }

  private static PeerDataPath dataPath() {
    return new PeerDataPath(List.of(), List.of(), PeerChannel.Settings.DEFAULTS, Clock.systemUTC());
  }

  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  /** tshark (scripts/ensure-tools.sh test installs it) and root for the capture; in CI both are required. */
  private static void requireTshark() throws Exception {
    boolean present = Files.isExecutable(Path.of("/usr/bin/tshark"));
    boolean root = "0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes(),
        StandardCharsets.UTF_8).strip());
    if ((!present || !root) && "true".equals(System.getenv("CI"))) {
      Assertions.fail("the dissector test must run in CI: tshark " + (present ? "present" : "missing")
          + " (scripts/ensure-tools.sh test installs it), " + (root ? "root" : "not root") + " (capturing needs it)");
    }
    Assumptions.assumeTrue(present && root, "needs tshark (scripts/ensure-tools.sh test) and root to capture; skipped");
  }

  /** Sends a 1 s lifetime probe as the device (after the 401 that brings a nonce) and waits for its answer. */
  private static void probeLifetime(io.homeport.agent.DeviceBundle bundle, int beaconPort) throws Exception {
    io.homeport.agent.KeepaliveSession session =
        new io.homeport.agent.KeepaliveSession(bundle.deviceId(), bundle.beaconKey(), System.currentTimeMillis());
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      s.setSoTimeout(5000);
      byte[] first = session.nextKeepalive();
      s.send(new DatagramPacket(first, first.length, InetAddress.getLoopbackAddress(), beaconPort));
      DatagramPacket in = new DatagramPacket(new byte[2048], 2048);
      s.receive(in);
      assertThat(session.onDatagram(java.util.Arrays.copyOf(in.getData(), in.getLength())))
          .isInstanceOf(io.homeport.agent.KeepaliveSession.NonceRefreshed.class);
      io.homeport.agent.KeepaliveSession.Probe probe = session.lifetimeProbe(1);
      s.send(new DatagramPacket(probe.datagram(), probe.datagram().length, InetAddress.getLoopbackAddress(), beaconPort));
      s.receive(in);
      assertThat(session.probeAnswer(java.util.Arrays.copyOf(in.getData(), in.getLength()), probe.transactionId()))
          .isNotNull();
    }
  }
}
