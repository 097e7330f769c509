package io.homeport.beacon;

import io.homeport.presence.Presence;
import io.homeport.presence.PresenceListener;
import io.homeport.presence.LanEndpoints;
import io.homeport.presence.NatBehaviours;
import io.homeport.presence.PresenceDirectory;
import io.homeport.wake.WaitingWork;
import io.homeport.presence.PresenceTable;
import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.agent.KeepaliveSession;
import io.homeport.device.Device;
import io.homeport.device.DeviceKeyring;
import io.homeport.device.DeviceState;
import io.homeport.stun.StunAttributes;
import io.homeport.stun.StunMessage;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The keepalive protocol end to end in memory: the agent's session against the server's processor. */
class KeepaliveProcessorTest {
  private static final byte[] KEY = filled(32, (byte) 7);
  private static final InetSocketAddress HOME = new InetSocketAddress("198.18.0.2", 40000);
  private static final InetSocketAddress ELSEWHERE = new InetSocketAddress("198.18.0.66", 50000);
  private static final long NOW = 1_800_000_000_000L;

  private final DeviceKeyring keyring = new DeviceKeyring();
  private final BeaconCounters counters = new BeaconCounters();
  private final List<String> changes = new ArrayList<>();
  private final PresenceDirectory presence = new PresenceTable();
  private final NonceService nonces = new NonceService(60_000);
  private final java.util.Set<String> pendingDevices = new java.util.HashSet<>();
  private final java.util.Set<String> sessionNews = new java.util.HashSet<>();
  private final LanEndpoints lanEndpoints = new LanEndpoints();
  private final NatBehaviours natBehaviours = new NatBehaviours();
  private final LifetimeProbes lifetimeProbes = new LifetimeProbes();
  private final KeepaliveProcessor processor = processor(false);
  /** The alternate port's processor (NAT mapping questions). */
  private final KeepaliveProcessor altProcessor = processor(true);

  private KeepaliveProcessor processor(boolean alternatePort) {
    return new KeepaliveProcessor(keyring, nonces, presence, counters, 25,
        WaitingWork.of(pendingDevices::contains, sessionNews::contains), lanEndpoints, natBehaviours, lifetimeProbes,
        alternatePort);
  }

  KeepaliveProcessorTest() {
    presence.addListener(new PresenceListener() {
      @Override
      public void online(Presence previous, Presence current) {
        changes.add("online " + current.publicAddress());
      }

      @Override
      public void addressChanged(Presence previous, Presence current) {
        changes.add("moved " + current.publicAddress());
      }

      @Override
      public void offline(Presence previous, Presence current) {
        changes.add("offline");
      }
    });
    keyring.load(List.of(enrolled("dev-1", KEY), enrolled("dev-2", filled(32, (byte) 9))), List.of("dev-revoked"));
  }

  private static Device enrolled(String id, byte[] key) {
    return new Device(id, null, null, null, DeviceState.ENROLLED, Instant.EPOCH, Instant.EPOCH, null, "ab12",
        Instant.MAX, key);
  }

  private static byte[] filled(int n, byte b) {
    byte[] a = new byte[n];
    Arrays.fill(a, b);
    return a;
  }

  /** Runs the agent's first contact: 401 with a nonce, then an accepted keepalive. */
  private KeepaliveSession online(String id, byte[] key, InetSocketAddress from) {
    KeepaliveSession session = new KeepaliveSession(id, key, NOW);
    byte[] first = session.nextKeepalive();
    KeepaliveProcessor.Result r1 = processor.process(first, from, NOW);
    assertThat(r1.outcome()).isEqualTo(KeepaliveOutcome.STALE_NONCE);
    assertThat(session.onDatagram(r1.answer())).isInstanceOf(KeepaliveSession.NonceRefreshed.class);
    KeepaliveProcessor.Result r2 = processor.process(session.nextKeepalive(), from, NOW);
    assertThat(r2.outcome()).isEqualTo(KeepaliveOutcome.ACCEPTED);
    assertThat(session.onDatagram(r2.answer())).isInstanceOf(KeepaliveSession.Accepted.class);
    return session;
  }

  @Test
  @DisplayName("Verifies that a device without a nonce gets a 401 with one, retries, and is then online at its mapping")
  void firstContact() {
    // given a fresh device session
    KeepaliveSession session = new KeepaliveSession("dev-1", KEY, NOW);
    // when its first keepalive arrives without a nonce
    byte[] first = session.nextKeepalive();
    KeepaliveProcessor.Result r1 = processor.process(first, HOME, NOW);
    // then it is answered with a 401 carrying a nonce, no larger than the request, and nothing changes
    assertThat(r1.outcome()).isEqualTo(KeepaliveOutcome.STALE_NONCE);
    assertThat(r1.answer().length).isLessThanOrEqualTo(first.length);
    assertThat(presence.get("dev-1")).isEmpty();
    // when the agent retries with the nonce
    assertThat(session.onDatagram(r1.answer())).isInstanceOf(KeepaliveSession.NonceRefreshed.class);
    byte[] second = session.nextKeepalive();
    KeepaliveProcessor.Result r2 = processor.process(second, HOME, NOW + 5);
    // then it is accepted and answered with its mapping and the suggested interval
    assertThat(r2.outcome()).isEqualTo(KeepaliveOutcome.ACCEPTED);
    assertThat(r2.answer().length).isLessThanOrEqualTo(second.length);
    KeepaliveSession.Answer answer = session.onDatagram(r2.answer());
    assertThat(answer).isInstanceOfSatisfying(KeepaliveSession.Accepted.class, a -> {
      assertThat(a.mappedAddress()).isEqualTo(HOME);
      assertThat(a.intervalSeconds()).isEqualTo(25);
      assertThat(a.pending()).isEmpty();
      assertThat(a.serverTimeMillis()).isEqualTo(NOW + 5);
    });
    assertThat(presence.get("dev-1")).get().satisfies(p -> {
      assertThat(p.online()).isTrue();
      assertThat(p.publicAddress()).isEqualTo(HOME);
    });
    assertThat(changes).containsExactly("online " + HOME);
  }

  @Test
  @DisplayName("Verifies that the answer carries the pending flag while the device has due commands, and a wake ack is reported")
  void pendingFlagAndWakeAck() {
    KeepaliveSession session = online("dev-1", KEY, HOME);
    pendingDevices.add("dev-1");
    KeepaliveProcessor.Result r = processor.process(session.nextKeepalive(42L), HOME, NOW + 1);
    assertThat(r.acknowledgedWake()).isEqualTo(42L);
    assertThat(r.deviceId()).isEqualTo("dev-1");
    assertThat(session.onDatagram(r.answer())).isInstanceOfSatisfying(KeepaliveSession.Accepted.class,
        a -> assertThat(a.pending()).containsExactly(StunAttributes.Pending.COMMANDS));
    pendingDevices.clear();
    KeepaliveProcessor.Result later = processor.process(session.nextKeepalive(), HOME, NOW + 2);
    assertThat(later.acknowledgedWake()).isNull();
    assertThat(session.onDatagram(later.answer())).isInstanceOfSatisfying(KeepaliveSession.Accepted.class,
        a -> assertThat(a.pending()).isEmpty());
  }

  @Test
  @DisplayName("Verifies that the answer flags session news beside commands, and the LAN endpoints a keepalive reports are kept")
  void sessionFlagAndLanEndpoints() {
    // given an online device that reports two LAN endpoints, with session news and due commands
    KeepaliveSession session = online("dev-1", KEY, HOME);
    InetSocketAddress lan1 = new InetSocketAddress("192.168.1.20", 40000);
    InetSocketAddress lan2 = new InetSocketAddress("fd00::20", 40000);
    session.lanEndpoints(List.of(lan1, lan2));
    sessionNews.add("dev-1");
    pendingDevices.add("dev-1");

    // when its next keepalive is processed
    KeepaliveProcessor.Result r = processor.process(session.nextKeepalive(), HOME, NOW + 1);

    // then the answer flags both, and the endpoints are what the server offers peers
    assertThat(session.onDatagram(r.answer())).isInstanceOfSatisfying(KeepaliveSession.Accepted.class,
        a -> assertThat(a.pending()).containsExactlyInAnyOrder(StunAttributes.Pending.COMMANDS,
            StunAttributes.Pending.SESSION));
    assertThat(lanEndpoints.of("dev-1")).containsExactly(lan1, lan2);

    // and a keepalive without LOCAL-ENDPOINT keeps the last report; session news alone sets the session flag only
    session.lanEndpoints(List.of());
    pendingDevices.clear();
    KeepaliveProcessor.Result later = processor.process(session.nextKeepalive(), HOME, NOW + 2);
    assertThat(session.onDatagram(later.answer())).isInstanceOfSatisfying(KeepaliveSession.Accepted.class,
        a -> assertThat(a.pending()).containsExactly(StunAttributes.Pending.SESSION));
    assertThat(lanEndpoints.of("dev-1")).containsExactly(lan1, lan2);
  }

  @Test
  @DisplayName("Verifies that a keepalive signed with the wrong key is dropped and changes nothing")
  void wrongKey() {
    online("dev-1", KEY, HOME);
    KeepaliveSession forger = new KeepaliveSession("dev-1", filled(32, (byte) 1), NOW + 1);
    KeepaliveProcessor.Result r = processor.process(forger.nextKeepalive(), ELSEWHERE, NOW);
    assertThat(r.outcome()).isEqualTo(KeepaliveOutcome.BAD_INTEGRITY);
    assertThat(r.answer()).isNull();
    assertThat(presence.get("dev-1").get().publicAddress()).isEqualTo(HOME);
  }

  @Test
  @DisplayName("Verifies that keepalives of unknown and revoked devices are dropped with their own counters")
  void unknownAndRevoked() {
    KeepaliveProcessor.Result unknown = processor.process(new KeepaliveSession("nobody", KEY, NOW).nextKeepalive(), HOME, NOW);
    KeepaliveProcessor.Result revoked = processor.process(new KeepaliveSession("dev-revoked", KEY, NOW).nextKeepalive(), HOME, NOW);
    assertThat(unknown).isEqualTo(new KeepaliveProcessor.Result(KeepaliveOutcome.UNKNOWN_DEVICE, null));
    assertThat(revoked).isEqualTo(new KeepaliveProcessor.Result(KeepaliveOutcome.REVOKED, null));
    assertThat(counters.get(KeepaliveOutcome.UNKNOWN_DEVICE)).isEqualTo(1);
    assertThat(counters.get(KeepaliveOutcome.REVOKED)).isEqualTo(1);
    assertThat(presence.onlineCount()).isZero();
  }

  @Test
  @DisplayName("Verifies that a revocation applied to the keyring refuses the device's very next keepalive")
  void revocationIsImmediate() {
    KeepaliveSession session = online("dev-1", KEY, HOME);
    keyring.revoked("dev-1");
    KeepaliveProcessor.Result r = processor.process(session.nextKeepalive(), ELSEWHERE, NOW + 10);
    assertThat(r.outcome()).isEqualTo(KeepaliveOutcome.REVOKED);
    assertThat(presence.get("dev-1").get().publicAddress()).isEqualTo(HOME);
  }

  @Test
  @DisplayName("Verifies that a keepalive with an expired nonce gets a 401 and does not move the device")
  void staleNonce() {
    KeepaliveSession session = online("dev-1", KEY, HOME);
    byte[] late = session.nextKeepalive();
    KeepaliveProcessor.Result r = processor.process(late, ELSEWHERE, NOW + 3 * 60_000);
    assertThat(r.outcome()).isEqualTo(KeepaliveOutcome.STALE_NONCE);
    assertThat(r.answer()).isNotNull();
    assertThat(presence.get("dev-1").get().publicAddress()).isEqualTo(HOME);
    assertThat(presence.get("dev-1").get().lastSeenMillis()).isEqualTo(NOW);
  }

  @Test
  @DisplayName("Verifies that a replayed keepalive is dropped and does not move the device, even from another address")
  void replay() {
    KeepaliveSession session = online("dev-1", KEY, HOME);
    byte[] k = session.nextKeepalive();
    assertThat(processor.process(k, HOME, NOW + 1).outcome()).isEqualTo(KeepaliveOutcome.ACCEPTED);
    KeepaliveProcessor.Result replayed = processor.process(k, ELSEWHERE, NOW + 2);
    assertThat(replayed).isEqualTo(new KeepaliveProcessor.Result(KeepaliveOutcome.REPLAYED, null));
    assertThat(presence.get("dev-1").get().publicAddress()).isEqualTo(HOME);
    assertThat(changes).containsExactly("online " + HOME);
  }

  @Test
  @DisplayName("Verifies that a genuine keepalive from a new mapping records the address change")
  void addressChange() {
    KeepaliveSession session = online("dev-1", KEY, HOME);
    assertThat(processor.process(session.nextKeepalive(), ELSEWHERE, NOW + 1).outcome()).isEqualTo(KeepaliveOutcome.ACCEPTED);
    assertThat(presence.get("dev-1").get().publicAddress()).isEqualTo(ELSEWHERE);
    assertThat(changes).containsExactly("online " + HOME, "moved " + ELSEWHERE);
  }

  @Test
  @DisplayName("Verifies that an answer meant for one device is ignored by another device's session")
  void answersAreBoundToTheSession() {
    KeepaliveSession one = new KeepaliveSession("dev-1", KEY, NOW);
    KeepaliveSession two = new KeepaliveSession("dev-2", filled(32, (byte) 9), NOW);
    two.nextKeepalive();
    KeepaliveProcessor.Result r = processor.process(one.nextKeepalive(), HOME, NOW);
    assertThat(two.onDatagram(r.answer())).isInstanceOf(KeepaliveSession.Ignored.class);
  }

  @Test
  @DisplayName("Verifies that non-STUN datagrams and other STUN messages are dropped and counted separately")
  void malformedAndUnsupported() {
    assertThat(processor.process("hello".getBytes(), HOME, NOW).outcome()).isEqualTo(KeepaliveOutcome.MALFORMED);
    byte[] indication = StunMessage.builder(StunMessage.BINDING_INDICATION, StunMessage.randomTransactionId())
        .add(StunAttributes.username("dev-1")).messageIntegritySha256(KEY).fingerprint().encode();
    assertThat(processor.process(indication, HOME, NOW).outcome()).isEqualTo(KeepaliveOutcome.UNSUPPORTED);
    byte[] noFingerprint = StunMessage.builder(StunMessage.BINDING_REQUEST, StunMessage.randomTransactionId())
        .add(StunAttributes.username("dev-1")).messageIntegritySha256(KEY).encode();
    assertThat(processor.process(noFingerprint, HOME, NOW).outcome()).isEqualTo(KeepaliveOutcome.MALFORMED);
    assertThat(counters.total()).isEqualTo(3);
  }

  @Test
  @DisplayName("Verifies that an unpadded keepalive smaller than its answer is processed but not answered")
  void noAmplification() {
    KeepaliveSession session = online("dev-1", KEY, HOME);
    // a bare keepalive: no padding, so shorter than the success answer would be
    byte[] bare = StunMessage.builder(StunMessage.BINDING_REQUEST, StunMessage.randomTransactionId())
        .add(StunAttributes.username("dev-1"), StunAttributes.sequence(Long.MAX_VALUE),
            StunAttributes.serverNonce(nonces.issue("dev-1", NOW)))
        .messageIntegritySha256(KEY).fingerprint().encode();
    KeepaliveProcessor.Result r = processor.process(bare, HOME, NOW);
    assertThat(r.outcome()).isEqualTo(KeepaliveOutcome.ACCEPTED);
    assertThat(r.answer()).isNull();
    assertThat(counters.suppressedResponses()).isEqualTo(1);
    assertThat(session).isNotNull();
  }

  @Test
  @DisplayName("Verifies that an accepted keepalive is answered with the nonce it carried while that nonce's epoch is "
      + "current, and with a fresh nonce once the epoch has passed")
  void nonceHandedBackWithinItsEpoch() throws Exception {
    // given an online device
    KeepaliveSession session = online("dev-1", KEY, HOME);
    // when it sends a keepalive in the same epoch
    byte[] same = session.nextKeepalive();
    byte[] answeredSame = processor.process(same, HOME, NOW + 10).answer();
    // then the answer's nonce is the one the keepalive carried
    assertThat(nonceOf(answeredSame)).isEqualTo(nonceOf(same));
    assertThat(session.onDatagram(answeredSame)).isInstanceOf(KeepaliveSession.Accepted.class);
    // when its next keepalive arrives in the next epoch (its nonce still valid, no longer current)
    byte[] next = session.nextKeepalive();
    KeepaliveProcessor.Result r = processor.process(next, HOME, NOW + 60_000);
    // then it is accepted and answered with a new nonce that the device can use
    assertThat(r.outcome()).isEqualTo(KeepaliveOutcome.ACCEPTED);
    assertThat(nonceOf(r.answer())).isNotEqualTo(nonceOf(next));
    assertThat(nonces.isValid("dev-1", nonceOf(r.answer()), NOW + 60_000)).isTrue();
    assertThat(session.onDatagram(r.answer())).isInstanceOf(KeepaliveSession.Accepted.class);
  }

  private static byte[] nonceOf(byte[] message) throws Exception {
    return StunAttributes.readServerNonce(io.homeport.stun.StunCodec.decode(message)
        .attribute(StunAttributes.SERVER_NONCE).orElseThrow());
  }

  @Test
  @DisplayName("Verifies that a mapping question on the alternate port is answered with the address it came from, no "
      + "larger than the question, and changes no presence")
  void mappingQuestionOnTheAlternatePort() {
    // given a device online at its home mapping
    KeepaliveSession session = online("dev-1", KEY, HOME);
    changes.clear();
    // when its mapping question reaches the alternate port from another public port (a symmetric NAT)
    KeepaliveSession.Probe question = session.mappingQuestion();
    KeepaliveProcessor.Result r = altProcessor.process(question.datagram(), ELSEWHERE, NOW + 1);
    // then it is answered at once with that address, and the device stays where the beacon port saw it
    assertThat(r.outcome()).isEqualTo(KeepaliveOutcome.MAPPING_PROBE);
    assertThat(r.delayMillis()).isZero();
    assertThat(r.answer().length).isLessThanOrEqualTo(question.datagram().length);
    assertThat(session.probeAnswer(r.answer(), question.transactionId())).isEqualTo(ELSEWHERE);
    assertThat(presence.get("dev-1").orElseThrow().publicAddress()).isEqualTo(HOME);
    assertThat(changes).isEmpty();
    // and an ordinary keepalive sent to the alternate port is no more than a question either
    assertThat(altProcessor.process(session.nextKeepalive(), ELSEWHERE, NOW + 2).outcome())
        .isEqualTo(KeepaliveOutcome.MAPPING_PROBE);
    assertThat(presence.get("dev-1").orElseThrow().publicAddress()).isEqualTo(HOME);
  }

  @Test
  @DisplayName("Verifies that a lifetime probe is answered only after the idle time it names, changes no presence, "
      + "and that a device holding two gets no third")
  void lifetimeProbeAnsweredLater() {
    // given a device online at its home mapping
    KeepaliveSession session = online("dev-1", KEY, HOME);
    changes.clear();
    // when a lifetime probe of 15 s arrives from its probe socket's mapping
    KeepaliveSession.Probe probe = session.lifetimeProbe(15);
    KeepaliveProcessor.Result r = processor.process(probe.datagram(), ELSEWHERE, NOW + 1);
    // then its answer is held for 15 s, addressed to where the probe came from, no larger than the probe
    assertThat(r.outcome()).isEqualTo(KeepaliveOutcome.LIFETIME_PROBE);
    assertThat(r.delayMillis()).isEqualTo(15_000);
    assertThat(r.deviceId()).isEqualTo("dev-1");
    assertThat(r.answer().length).isLessThanOrEqualTo(probe.datagram().length);
    assertThat(session.probeAnswer(r.answer(), probe.transactionId())).isEqualTo(ELSEWHERE);
    assertThat(lifetimeProbes.outstanding()).isEqualTo(1);
    // and the device is still online at its keepalive mapping
    assertThat(presence.get("dev-1").orElseThrow().publicAddress()).isEqualTo(HOME);
    assertThat(changes).isEmpty();
    // when it holds two probes and sends a third
    assertThat(processor.process(session.lifetimeProbe(20).datagram(), ELSEWHERE, NOW + 2).outcome())
        .isEqualTo(KeepaliveOutcome.LIFETIME_PROBE);
    KeepaliveProcessor.Result third = processor.process(session.lifetimeProbe(30).datagram(), ELSEWHERE, NOW + 3);
    // then the third is dropped and counted, while another device may still probe
    assertThat(third).isEqualTo(new KeepaliveProcessor.Result(KeepaliveOutcome.PROBE_REFUSED, null));
    assertThat(counters.get(KeepaliveOutcome.PROBE_REFUSED)).isEqualTo(1);
    KeepaliveSession other = online("dev-2", filled(32, (byte) 9), ELSEWHERE);
    assertThat(processor.process(other.lifetimeProbe(10).datagram(), HOME, NOW + 4).outcome())
        .isEqualTo(KeepaliveOutcome.LIFETIME_PROBE);
    // and once an answer is sent, the device may probe again
    lifetimeProbes.release("dev-1");
    assertThat(processor.process(session.lifetimeProbe(30).datagram(), ELSEWHERE, NOW + 5).outcome())
        .isEqualTo(KeepaliveOutcome.LIFETIME_PROBE);
  }

  @Test
  @DisplayName("Verifies that probes and questions under a wrong key or without a valid nonce get no delayed answer")
  void forgedProbes() {
    // given a device online, and an attacker who knows its id and a current nonce (seen on the wire) but not its key
    online("dev-1", KEY, HOME);
    byte[] wrongKey = filled(32, (byte) 1);
    // when the forger sends a probe and a question
    KeepaliveProcessor.Result probe = processor.process(signed(wrongKey, StunAttributes.natProbe(600)), ELSEWHERE, NOW + 1);
    KeepaliveProcessor.Result question = altProcessor.process(signed(wrongKey), ELSEWHERE, NOW + 1);
    // then both are dropped, nothing is held
    assertThat(probe).isEqualTo(new KeepaliveProcessor.Result(KeepaliveOutcome.BAD_INTEGRITY, null));
    assertThat(question).isEqualTo(new KeepaliveProcessor.Result(KeepaliveOutcome.BAD_INTEGRITY, null));
    assertThat(lifetimeProbes.outstanding()).isZero();
  }

  @Test
  @DisplayName("Verifies that the NAT behaviour a keepalive reports is kept for the device, and that a malformed "
      + "report drops the keepalive without changing anything")
  void natBehaviourReport() {
    // given a device online
    KeepaliveSession session = online("dev-1", KEY, HOME);
    // when its keepalive reports an endpoint-independent mapping living between 15 and 22 s, interval 13 s
    StunAttributes.NatBehaviour reported = new StunAttributes.NatBehaviour(
        StunAttributes.Mapping.ENDPOINT_INDEPENDENT, 13, 15, 22);
    session.natBehaviour(reported);
    assertThat(processor.process(session.nextKeepalive(), HOME, NOW + 1).outcome()).isEqualTo(KeepaliveOutcome.ACCEPTED);
    // then the beacon keeps what it reported
    assertThat(natBehaviours.of("dev-1")).contains(reported);
    // when a keepalive carries a mapping code that does not exist
    byte[] bad = signed(KEY,
        io.homeport.stun.StunAttribute.of(StunAttributes.NAT_BEHAVIOUR, new byte[] {9, 0, 0, 5, 0, 0, 0, 0}));
    // then it is dropped as malformed and the kept report is unchanged
    assertThat(processor.process(bad, ELSEWHERE, NOW + 2).outcome()).isEqualTo(KeepaliveOutcome.MALFORMED);
    assertThat(natBehaviours.of("dev-1")).contains(reported);
    assertThat(presence.get("dev-1").orElseThrow().publicAddress()).isEqualTo(HOME);
  }

  /** A keepalive-shaped request from dev-1 with a current nonce, signed with {@code key}, carrying {@code extra}. */
  private byte[] signed(byte[] key, io.homeport.stun.StunAttribute... extra) {
    return StunMessage.builder(StunMessage.BINDING_REQUEST, StunMessage.randomTransactionId())
        .add(StunAttributes.username("dev-1"), StunAttributes.sequence(NOW * 1000 + 100),
            StunAttributes.serverNonce(nonces.issue("dev-1", NOW)), StunAttributes.padding(60))
        .addAll(List.of(extra))
        .messageIntegritySha256(key).fingerprint().encode();
  }
}
