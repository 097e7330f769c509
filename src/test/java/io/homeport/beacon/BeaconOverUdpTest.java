package io.homeport.beacon;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.agent.DeviceBundle;
import io.homeport.agent.KeepaliveSession;
import io.homeport.testing.TestServer;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The beacon on its real UDP socket: a plain-socket device, revocation, and a fuzz run. */
class BeaconOverUdpTest {
  @TempDir
  static Path dir;
  static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(dir.resolve("data"));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  @DisplayName("Verifies that enrollment, coming online, a new NAT mapping, going offline and revocation are published as events")
  void presenceEvents() throws Exception {
    // given a subscriber to the event bus
    List<io.vertx.core.json.JsonObject> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    server.vertx().eventBus().<io.homeport.event.LoggedEvent>consumer(io.homeport.event.EventAddresses.EVENTS,
        m -> {
          if ("events-1".equals(m.body().event().deviceId())) {
            events.add(m.body().toJson());
          }
        }).completion().await();
    DeviceBundle bundle = server.enrollDevice("events-1");
    try (UdpDevice device = new UdpDevice(bundle, server.server().beaconPort());
        DatagramSocket moved = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      // when the device comes online, then sends from another port (its NAT mapping changed), then falls silent
      assertThat(device.keepalive()).isInstanceOf(KeepaliveSession.Accepted.class);
      byte[] k = device.session.nextKeepalive();
      moved.send(new DatagramPacket(k, k.length, InetAddress.getLoopbackAddress(), server.server().beaconPort()));
      TestServer.await("the new mapping is recorded", Duration.ofSeconds(2), () -> {
        try {
          return server.presence("events-1").getString("publicAddress").endsWith(":" + moved.getLocalPort());
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      });
      TestServer.await("the device is offline", TestServer.GRACE.plusSeconds(2), () -> events.stream()
          .anyMatch(e -> e.getString("type").equals("device.offline")));
      server.admin("POST", "/api/v1/devices/events-1/revoke", null, 200);
      TestServer.await("the revocation is published", Duration.ofSeconds(2), () -> events.size() >= 5);
    }
    // then the events came in order, with the addresses
    assertThat(events).extracting(e -> e.getString("type")).containsExactly(
        "device.enrolled", "device.online", "device.address-changed", "device.offline", "device.revoked");
    assertThat(events.get(2).getJsonObject("data").getString("publicAddress"))
        .isNotEqualTo(events.get(2).getJsonObject("data").getString("previousAddress"));
    assertThat(events).allSatisfy(e -> assertThat(e.getString("time")).isNotBlank());
  }

  @Test
  @DisplayName("Verifies that revoking a device refuses its next keepalive and takes it offline at once, without restart")
  void revocation() throws Exception {
    DeviceBundle bundle = server.enrollDevice("revoke-me");
    try (UdpDevice device = new UdpDevice(bundle, server.server().beaconPort())) {
      assertThat(device.keepalive()).isInstanceOf(KeepaliveSession.Accepted.class);
      assertThat(server.presence("revoke-me").getBoolean("online")).isTrue();
      long revokedBefore = server.server().beaconCounters().get(KeepaliveOutcome.REVOKED);

      server.admin("POST", "/api/v1/devices/revoke-me/revoke", null, 200);

      TestServer.await("the device is offline", Duration.ofSeconds(2), () -> {
        try {
          return !server.presence("revoke-me").getBoolean("online");
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      });
      assertThat(device.exchange(device.session.nextKeepalive())).as("no answer to a revoked device").isNull();
      assertThat(server.server().beaconCounters().get(KeepaliveOutcome.REVOKED)).isEqualTo(revokedBefore + 1);
      assertThat(server.presence("revoke-me").getBoolean("online")).isFalse();
    }
  }

  @Test
  @DisplayName("Verifies that 100,000 random and mutated datagrams change nothing, are each counted once, and the beacon keeps serving")
  void fuzz() throws Exception {
    // given an online device whose keepalives serve as seeds for mutation
    DeviceBundle bundle = server.enrollDevice("fuzz-seed");
    try (UdpDevice device = new UdpDevice(bundle, server.server().beaconPort()); DatagramSocket fuzzer = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      assertThat(device.keepalive()).isInstanceOf(KeepaliveSession.Accepted.class);
      String addressBefore = server.presence("fuzz-seed").getString("publicAddress");
      List<byte[]> seeds = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        seeds.add(device.session.nextKeepalive()); // genuine, never sent as such
      }
      BeaconCounters counters = server.server().beaconCounters();
      long before = counters.total();
      long acceptedBefore = counters.get(KeepaliveOutcome.ACCEPTED);
      Random random = new Random(20261121);
      int total = 100_000;
      InetAddress loopback = InetAddress.getLoopbackAddress();
      int port = server.server().beaconPort();

      // when the fuzzer sends random and mutated datagrams from another address, paced so that no socket buffer overflows
      for (int sent = 0; sent < total; sent++) {
        byte[] seed = seeds.get(random.nextInt(seeds.size()));
        byte[] d = mutate(seed, random);
        if (random.nextBoolean()) {
          refingerprint(d); // half of them get past the FINGERPRINT check, deeper into the protocol
        }
        while (java.util.Arrays.equals(d, seed)) {
          d = mutate(seed, random); // a "mutation" that changed nothing is a genuine keepalive, not fuzz
        }
        fuzzer.send(new DatagramPacket(d, d.length, loopback, port));
        if (sent % 1000 == 999) {
          long target = before + sent + 1;
          TestServer.await("the beacon caught up with " + (sent + 1) + " datagrams", Duration.ofSeconds(20),
              () -> counters.total() >= target);
        }
      }

      // then every datagram was counted exactly once under one outcome
      TestServer.await("all datagrams counted", Duration.ofSeconds(20), () -> counters.total() >= before + total);
      Thread.sleep(200);
      assertThat(counters.total() - before).isEqualTo(total);
      System.out.println("fuzz outcomes: " + counters.snapshot());
      assertThat(counters.get(KeepaliveOutcome.MALFORMED)).isPositive();
      assertThat(counters.get(KeepaliveOutcome.BAD_INTEGRITY)).isPositive();
      // and no mutation was accepted: the device's mapping is unchanged
      assertThat(counters.get(KeepaliveOutcome.ACCEPTED)).isEqualTo(acceptedBefore);
      assertThat(server.presence("fuzz-seed").getString("publicAddress")).isEqualTo(addressBefore);
      // and the server still serves keepalives and the API
      assertThat(device.keepalive()).isInstanceOf(KeepaliveSession.Accepted.class);
      assertThat(server.api("GET", "/health", null, null).statusCode()).isEqualTo(200);
    }
  }

  /** Rewrites a trailing FINGERPRINT so that it matches the (mutated) bytes before it. */
  private static void refingerprint(byte[] b) {
    int n = b.length;
    if (n < 28 || ((b[2] & 0xff) << 8 | (b[3] & 0xff)) != n - 20 || (b[n - 8] & 0xff) != 0x80 || (b[n - 7] & 0xff) != 0x28) {
      return;
    }
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(b, 0, n - 8);
    int v = (int) crc.getValue() ^ 0x5354554e;
    b[n - 4] = (byte) (v >>> 24);
    b[n - 3] = (byte) (v >>> 16);
    b[n - 2] = (byte) (v >>> 8);
    b[n - 1] = (byte) v;
  }

  /** Random bytes, truncations, bit flips, byte overwrites and splices of a genuine keepalive. */
  private static byte[] mutate(byte[] seed, Random r) {
    switch (r.nextInt(6)) {
      case 0: {
        byte[] b = new byte[r.nextInt(600)];
        r.nextBytes(b);
        return b;
      }
      case 1:
        return java.util.Arrays.copyOf(seed, r.nextInt(seed.length));
      case 2: {
        byte[] b = seed.clone();
        for (int i = 1 + r.nextInt(4); i > 0; i--) {
          int bit = r.nextInt(b.length * 8);
          b[bit / 8] ^= (byte) (1 << (bit % 8));
        }
        return b;
      }
      case 3: {
        byte[] b = seed.clone();
        b[r.nextInt(b.length)] = (byte) r.nextInt(256);
        return b;
      }
      case 4: {
        // a genuine header with random attributes after it
        byte[] b = java.util.Arrays.copyOf(seed, 20 + 4 * r.nextInt(60));
        for (int i = 20; i < b.length; i++) {
          b[i] = (byte) r.nextInt(256);
        }
        int len = b.length - 20;
        b[2] = (byte) (len >> 8);
        b[3] = (byte) len;
        return b;
      }
      default: {
        // a replay of a genuine keepalive with its tail swapped
        byte[] b = seed.clone();
        int from = 20 + r.nextInt(b.length - 20);
        for (int i = from; i < b.length; i++) {
          b[i] = (byte) r.nextInt(256);
        }
        return b;
      }
    }
  }
}
