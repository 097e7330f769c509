package io.homeport.peer;

import static io.homeport.peer.SimulatedInternet.NatType.ADDRESS_RESTRICTED;
import static io.homeport.peer.SimulatedInternet.NatType.FULL_CONE;
import static io.homeport.peer.SimulatedInternet.NatType.PORT_RESTRICTED;
import static io.homeport.peer.SimulatedInternet.NatType.SYMMETRIC;
import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.peer.PeerChannel.Kind;
import io.homeport.peer.PeerChannel.State;
import io.homeport.peer.SimulatedInternet.NatType;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Both ends of a peer channel over a simulated Internet: punching per NAT type, relay fallback, loss, forgeries. */
class PeerChannelTest {
  private static final InetSocketAddress SERVER = new InetSocketAddress("198.51.100.1", 7400);
  private static final InetSocketAddress RELAY = new InetSocketAddress("198.51.100.9", 7402);
  private static final InetSocketAddress A_INSIDE = new InetSocketAddress("10.0.1.2", 5000);
  private static final InetSocketAddress B_INSIDE = new InetSocketAddress("10.0.2.2", 5000);

  private final SimulatedInternet net = new SimulatedInternet();
  private final String sessionId = UUID.randomUUID().toString();
  private final byte[] sessionKey = randomKey();
  private final List<String> relayDrops = new CopyOnWriteArrayList<>();
  private Side a;
  private Side b;

  /** One device: its channel, what it received, what no channel took. */
  private final class Side {
    final InetSocketAddress inside;
    final List<String> received = new CopyOnWriteArrayList<>();
    final List<PeerChannel.Path> paths = new CopyOnWriteArrayList<>();
    int unclaimed;
    int sent;
    PeerChannel channel;
    InetSocketAddress mapping;
    SimulatedInternet.Nat nat;

    Side(InetSocketAddress inside) {
      this.inside = inside;
    }

    void receive(InetSocketAddress from, byte[] d) {
      if (!PeerFrames.isPeerFrame(d, 0, d.length) || !channel.onDatagram(from, d, 0, d.length, net.now())) {
        unclaimed++;
      }
    }

    void send(String text) {
      if (channel.send(text.getBytes(StandardCharsets.UTF_8))) {
        sent++;
      }
    }
  }

  // ---- punching per NAT type ----

  @ParameterizedTest(name = "{0} with {1}: {2}")
  @CsvSource({
      "FULL_CONE, FULL_CONE, PUBLIC",
      "FULL_CONE, PORT_RESTRICTED, PUBLIC",
      "ADDRESS_RESTRICTED, PORT_RESTRICTED, PUBLIC",
      "PORT_RESTRICTED, PORT_RESTRICTED, PUBLIC",
      "SYMMETRIC, FULL_CONE, REFLEXIVE",
      "SYMMETRIC, ADDRESS_RESTRICTED, REFLEXIVE",
      "SYMMETRIC, PORT_RESTRICTED, RELAY",
      "SYMMETRIC, SYMMETRIC, RELAY"})
  @DisplayName("Verifies that two devices behind these NATs find the path the NATs allow, and data flows both ways")
  void punching(NatType natA, NatType natB, Kind expected) {
    // given A and B behind their NATs, each with a mapping towards the server, and a relay
    connect(natA, "203.0.113.1", natB, "203.0.113.2", true);

    // when both punch for 1.5 s and then exchange data
    net.run(1500);
    a.send("ping");
    b.send("pong");
    net.run(200);

    // then B (probed from an address it was not offered, when A's NAT is symmetric) settles on the expected kind,
    // A on the public candidate it was offered (or both on the relay), and both payloads arrived once
    assertThat(kindOf(a)).isEqualTo(expected == Kind.REFLEXIVE ? Kind.PUBLIC : expected);
    assertThat(kindOf(b)).isEqualTo(expected);
    assertThat(a.received).containsExactly("pong");
    assertThat(b.received).containsExactly("ping");
  }

  @Test
  @DisplayName("Verifies that two devices on one LAN take the LAN path, though the public one works too")
  void sameLan() {
    // given A and B behind one full-cone router, each offered the other's LAN and public endpoints
    InetSocketAddress bInside = new InetSocketAddress("10.0.1.3", 5000);
    SimulatedInternet.Nat router = net.router(FULL_CONE, "203.0.113.1");
    a = new Side(A_INSIDE);
    b = new Side(bInside);
    net.attach(A_INSIDE, router, a::receive);
    net.attach(bInside, router, b::receive);
    a.mapping = router.outbound(A_INSIDE, SERVER);
    b.mapping = router.outbound(bInside, SERVER);
    Map<InetSocketAddress, Kind> toB = new LinkedHashMap<>();
    toB.put(b.mapping, Kind.PUBLIC);
    toB.put(bInside, Kind.LAN);
    Map<InetSocketAddress, Kind> toA = new LinkedHashMap<>();
    toA.put(a.mapping, Kind.PUBLIC);
    toA.put(A_INSIDE, Kind.LAN);

    // when both punch
    a.channel = channel(true, toB, false, a);
    b.channel = channel(false, toA, false, b);
    net.run(1500);

    // then the path is the LAN on both sides
    assertThat(a.channel.path()).isEqualTo(new PeerChannel.Path(Kind.LAN, bInside));
    assertThat(b.channel.path()).isEqualTo(new PeerChannel.Path(Kind.LAN, A_INSIDE));
  }

  // ---- failure and recovery ----

  @Test
  @DisplayName("Verifies that a direct path blocked mid-session moves to the relay within two heartbeats with data still "
      + "flowing, and returns to direct once probes get through again")
  void blockedPathFallsBackAndReturns() {
    // given a direct session between two port-restricted NATs
    connect(PORT_RESTRICTED, "203.0.113.1", PORT_RESTRICTED, "203.0.113.2", true);
    net.run(1500);
    assertThat(a.channel.state()).isEqualTo(State.DIRECT);

    // when every datagram between the two routers is dropped (a firewall rule)
    net.block((from, to) -> !to.equals(RELAY) && !from.equals(RELAY));
    long blockedAt = net.now();
    while (a.channel.state() == State.DIRECT && net.now() - blockedAt < 20_000) {
      net.run(100);
    }

    // then both move to the relay within two heartbeats (and their round trip), and data still flows
    long heartbeat = PeerChannel.Settings.DEFAULTS.heartbeatMillis();
    assertThat(net.now() - blockedAt).isLessThanOrEqualTo(2 * heartbeat + heartbeat / 5 + 100);
    net.run(3000);
    assertThat(a.channel.state()).isEqualTo(State.RELAY);
    assertThat(b.channel.state()).isEqualTo(State.RELAY);
    a.send("through the relay");
    net.run(100);
    assertThat(b.received).containsExactly("through the relay");

    // when the rule is removed, then the next probe round brings both back to direct
    net.block((from, to) -> false);
    net.run(2500);
    assertThat(a.channel.state()).isEqualTo(State.DIRECT);
    assertThat(b.channel.state()).isEqualTo(State.DIRECT);
    b.send("direct again");
    net.run(100);
    assertThat(a.received).containsExactly("direct again");
  }

  @Test
  @DisplayName("Verifies that without a relay and without a direct path the channel keeps punching and sends nothing")
  void noRelayNoPath() {
    // given two symmetric NATs and no relay in the offer
    connect(SYMMETRIC, "203.0.113.1", SYMMETRIC, "203.0.113.2", false);

    // when they punch for 3 s, then there is no path and data is refused
    net.run(3000);
    assertThat(a.channel.state()).isEqualTo(State.PROBING);
    assertThat(a.channel.send(new byte[] {1})).isFalse();
  }

  @Test
  @DisplayName("Verifies that under 20% loss and reordering every delivered payload is authentic and delivered once")
  void lossAndReordering() {
    // given a direct session on a lossy path with up to 30 ms of jitter
    connect(FULL_CONE, "203.0.113.1", FULL_CONE, "203.0.113.2", true);
    net.run(1500);
    net.loss(0.2);
    net.latency(10, 30);

    // when A sends 500 numbered payloads, 5 at a time
    for (int i = 0; i < 500; i++) {
      a.send("n" + i);
      if (i % 5 == 4) {
        net.run(10);
      }
    }
    net.run(500);

    // then B got about 80% of them, each once, nothing else
    assertThat(b.received).doesNotHaveDuplicates();
    assertThat(b.received).allMatch(s -> s.matches("n[0-9]+"));
    assertThat(b.received.size()).isBetween(330, 470);
    // and the end report's counts are the payload bytes: all sent, those that arrived
    assertThat(a.channel.bytesSent()).isEqualTo(payloadBytes(500));
    assertThat(b.channel.bytesReceived()).isEqualTo(b.received.stream().mapToLong(String::length).sum());
  }

  // ---- forgeries ----

  @Test
  @DisplayName("Verifies that forged probes, probes of another session, replayed data frames and relay frames with a "
      + "wrong token are dropped, counted where they name this session, and never answered")
  void forgeries() {
    // given a direct session between two full-cone NATs
    connect(FULL_CONE, "203.0.113.1", FULL_CONE, "203.0.113.2", true);
    net.run(1500);
    InetSocketAddress attacker = new InetSocketAddress("192.0.2.66", 6666);
    List<byte[]> toAttacker = new ArrayList<>();
    net.attach(attacker, null, (from, d) -> toAttacker.add(d));
    PeerKeys otherSession = PeerKeys.derive(UUID.randomUUID().toString(), randomKey(), true);
    PeerKeys sameIdOtherKey = PeerKeys.derive(sessionId, randomKey(), true);
    byte[] forged = PeerFrames.probe(PeerFrames.PROBE, sameIdOtherKey, 7);
    byte[] foreign = PeerFrames.probe(PeerFrames.PROBE, otherSession, 7);
    byte[] garbage = new byte[41];
    garbage[0] = PeerFrames.PROBE;
    // a data frame of A's keys that B has not seen, sent twice
    PeerKeys aKeys = PeerKeys.derive(sessionId, sessionKey, true);
    byte[] real = PeerFrames.data(aKeys, PeerFrames.newCipher(), 1_000_000, PeerFrames.Kind.PAYLOAD,
        "once".getBytes(StandardCharsets.UTF_8));
    byte[] wrongToken = PeerFrames.relayed(PeerKeys.derive(sessionId, randomKey(), true), real);

    // when the attacker sends them all to B's public mapping (the data frame twice), and the relay frame from the relay
    int unclaimedBefore = b.unclaimed;
    for (byte[] d : List.of(forged, foreign, garbage, real, real)) {
      net.send(attacker, b.mapping, d);
    }
    b.receive(RELAY, wrongToken);
    net.run(100);

    // then none is answered; the forgeries are not taken; the data frame is taken once, its replay counted
    assertThat(toAttacker).isEmpty();
    assertThat(b.unclaimed - unclaimedBefore).isEqualTo(3 + 1);
    assertThat(b.received).containsExactly("once");
    assertThat(b.channel.dropped(PeerChannel.Drop.REPLAYED)).isEqualTo(1);
    assertThat(b.channel.dropped(PeerChannel.Drop.BAD_RELAY_TOKEN)).isEqualTo(1);
  }

  // ---- support ----

  /** Sets up A and B behind their NATs, each with its mapping towards the server, and starts both channels. */
  private void connect(NatType natA, String ipA, NatType natB, String ipB, boolean withRelay) {
    a = new Side(A_INSIDE);
    b = new Side(B_INSIDE);
    a.nat = net.router(natA, ipA);
    b.nat = net.router(natB, ipB);
    net.attach(A_INSIDE, a.nat, a::receive);
    net.attach(B_INSIDE, b.nat, b::receive);
    a.mapping = a.nat.outbound(A_INSIDE, SERVER); // as the beacon observed it from the keepalives
    b.mapping = b.nat.outbound(B_INSIDE, SERVER);
    if (withRelay) {
      net.attach(RELAY, null, new SimulatedRelay()::receive);
    }
    a.channel = channel(true, Map.of(b.mapping, Kind.PUBLIC), withRelay, a);
    b.channel = channel(false, Map.of(a.mapping, Kind.PUBLIC), withRelay, b);
  }

  private PeerChannel channel(boolean requester, Map<InetSocketAddress, Kind> candidates, boolean withRelay, Side side) {
    PeerChannel c = new PeerChannel(PeerKeys.derive(sessionId, sessionKey, requester), candidates,
        withRelay ? RELAY : null, PeerChannel.Settings.DEFAULTS, net.transport(side.inside), new PeerChannel.Listener() {
          @Override
          public void received(byte[] payload) {
            side.received.add(new String(payload, StandardCharsets.UTF_8));
          }

          @Override
          public void pathChanged(PeerChannel.Path previous, PeerChannel.Path current) {
            side.paths.add(current);
          }
        }, net.now());
    net.onTick(() -> c.tick(net.now()));
    return c;
  }

  private static Kind kindOf(Side s) {
    return s.channel.path() == null ? null : s.channel.path().kind();
  }

  /** The relay's forwarding rule in a few lines: each side's token learns its address; frames go to the other. */
  private final class SimulatedRelay {
    private final byte[] requesterToken = PeerKeys.relayToken(sessionId, sessionKey, true);
    private final byte[] targetToken = PeerKeys.relayToken(sessionId, sessionKey, false);
    private InetSocketAddress requester;
    private InetSocketAddress target;

    void receive(InetSocketAddress from, byte[] d) {
      if (d.length < PeerFrames.RELAY_HEADER || d[0] != PeerFrames.RELAYED) {
        relayDrops.add("malformed");
        return;
      }
      byte[] token = Arrays.copyOfRange(d, 1, PeerFrames.RELAY_HEADER);
      if (Arrays.equals(token, requesterToken)) {
        requester = from;
        if (target != null) {
          net.send(RELAY, target, d);
        }
      } else if (Arrays.equals(token, targetToken)) {
        target = from;
        if (requester != null) {
          net.send(RELAY, requester, d);
        }
      } else {
        relayDrops.add("token");
      }
    }
  }

  /** Bytes of the payloads n0 .. n(count-1). */
  private static long payloadBytes(int count) {
    long sum = 0;
    for (int i = 0; i < count; i++) {
      sum += ("n" + i).length();
    }
    return sum;
  }

  private static byte[] randomKey() {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    return k;
  }
}
