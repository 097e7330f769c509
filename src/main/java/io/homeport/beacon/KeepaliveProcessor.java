package io.homeport.beacon;

import static io.homeport.stun.StunAttributes.ADDRESS_LIST_VERSION;
import static io.homeport.stun.StunAttributes.FINGERPRINT;
import static io.homeport.stun.StunAttributes.LOCAL_ENDPOINT;
import static io.homeport.stun.StunAttributes.MESSAGE_INTEGRITY_SHA256;
import static io.homeport.stun.StunAttributes.NAT_BEHAVIOUR;
import static io.homeport.stun.StunAttributes.NAT_PROBE;
import static io.homeport.stun.StunAttributes.SEQUENCE;
import static io.homeport.stun.StunAttributes.SERVER_NONCE;
import static io.homeport.stun.StunAttributes.USERNAME;
import static io.homeport.stun.StunAttributes.WAKE_ACK;

import io.homeport.presence.LanEndpoints;
import io.homeport.presence.NatBehaviours;
import io.homeport.presence.PresenceDirectory;
import io.homeport.device.DeviceKeyring;
import io.homeport.stun.StunAttribute;
import io.homeport.stun.StunAttributes;
import io.homeport.stun.StunCodec;
import io.homeport.stun.StunMessage;
import io.homeport.stun.StunParseException;
import io.homeport.wake.WaitingWork;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The keepalive protocol of DESIGN.md 2.1, server side: decides what one datagram does and what, if
 * anything, is answered. Plain Java, no I/O; the beacon verticle feeds it datagrams and sends what it
 * returns. Checks run cheapest-first, and nothing before the integrity check can change state.
 *
 * <p>NAT behaviour discovery (DESIGN 5.1) uses the same authenticated requests without touching
 * presence: on the alternate port ({@code beacon.altPort}) every request is only a question "where do
 * you see me?", answered with its mapped address, which the device compares with the beacon port's
 * answer; on the beacon port a request with {@code NAT-PROBE} comes from a second socket of the device
 * and is answered only after the delay it asks for, which tells the device whether an idle mapping
 * lives that long. Neither answer is larger than its request, and each request gets at most one.
 *
 * <p>Not thread-safe: one instance per event loop.
 */
public final class KeepaliveProcessor {

  /**
   * The outcome of one datagram and the answer to send to its source, or null for none; for an
   * accepted keepalive also the device and the wake id it acknowledges, if any. A lifetime probe's
   * answer is to be sent after {@code delayMillis}, and its place in {@link LifetimeProbes} released
   * for {@code deviceId} then.
   */
  public record Result(KeepaliveOutcome outcome, byte[] answer, String deviceId, Long acknowledgedWake,
      long delayMillis) {
    public Result(KeepaliveOutcome outcome, byte[] answer) {
      this(outcome, answer, null, null, 0);
    }
  }

  /**
   * The PENDING flag sets answers carry, by bits (commands 1, session 2, address list 4), made once:
   * none is built per datagram.
   */
  private static final List<Set<StunAttributes.Pending>> PENDING_SETS = pendingSets();

  private static List<Set<StunAttributes.Pending>> pendingSets() {
    List<Set<StunAttributes.Pending>> sets = new ArrayList<>();
    for (int bits = 0; bits < 8; bits++) {
      EnumSet<StunAttributes.Pending> set = EnumSet.noneOf(StunAttributes.Pending.class);
      for (StunAttributes.Pending p : StunAttributes.Pending.values()) {
        if ((bits & p.bit()) != 0) {
          set.add(p);
        }
      }
      sets.add(Set.copyOf(set));
    }
    return List.copyOf(sets);
  }

  private final DeviceKeyring keyring;
  private final NonceService nonces;
  private final PresenceDirectory presence;
  private final BeaconCounters counters;
  private final int intervalSeconds;
  private final WaitingWork work;
  private final LanEndpoints lanEndpoints;
  private final NatBehaviours natBehaviours;
  private final LifetimeProbes lifetimeProbes;
  private final boolean alternatePort;

  /**
   * @param work what waits for each device: sets the PENDING flags of its answers
   * @param lanEndpoints where the LAN endpoints devices report are kept
   * @param natBehaviours where what devices learned of their NATs is kept
   * @param lifetimeProbes the delayed answers held, shared by every processor of the beacon port
   * @param alternatePort true for the alternate port's processors: mapping questions only
   */
  public KeepaliveProcessor(DeviceKeyring keyring, NonceService nonces, PresenceDirectory presence, BeaconCounters counters,
      int intervalSeconds, WaitingWork work, LanEndpoints lanEndpoints, NatBehaviours natBehaviours,
      LifetimeProbes lifetimeProbes, boolean alternatePort) {
    this.natBehaviours = natBehaviours;
    this.lifetimeProbes = lifetimeProbes;
    this.alternatePort = alternatePort;
    this.keyring = keyring;
    this.nonces = nonces;
    this.presence = presence;
    this.counters = counters;
    this.intervalSeconds = intervalSeconds;
    this.work = work;
    this.lanEndpoints = lanEndpoints;
  }

  public Result process(byte[] datagram, InetSocketAddress source, long nowMillis) {
    return process(datagram, 0, datagram.length, source, nowMillis);
  }

  /** Decides what the datagram in {@code buf[offset, offset + length)} does; the buffer may be reused after. */
  public Result process(byte[] buf, int offset, int length, InetSocketAddress source, long nowMillis) {
    StunMessage request;
    try {
      request = StunCodec.decode(buf, offset, length);
    } catch (StunParseException e) {
      return drop(KeepaliveOutcome.MALFORMED);
    }
    // the protocol requires FINGERPRINT; without it this is some other STUN traffic
    if (request.attribute(FINGERPRINT).isEmpty()) {
      return drop(KeepaliveOutcome.MALFORMED);
    }
    Optional<StunAttribute> usernameAttr = request.attribute(USERNAME);
    if (request.type() != StunMessage.BINDING_REQUEST || usernameAttr.isEmpty()
        || request.attribute(MESSAGE_INTEGRITY_SHA256).isEmpty()) {
      return drop(KeepaliveOutcome.UNSUPPORTED);
    }
    String deviceId;
    try {
      deviceId = StunAttributes.readUsername(usernameAttr.get());
    } catch (StunParseException e) {
      return drop(KeepaliveOutcome.MALFORMED);
    }
    byte[] key = keyring.beaconKey(deviceId);
    if (key == null) {
      return drop(keyring.isRevoked(deviceId) ? KeepaliveOutcome.REVOKED : KeepaliveOutcome.UNKNOWN_DEVICE);
    }
    if (!StunCodec.verifyIntegritySha256(request, key)) {
      return drop(KeepaliveOutcome.BAD_INTEGRITY);
    }
    // authenticated from here on
    long sequence;
    byte[] nonce;
    Long wakeAck;
    int probeSeconds;
    long natBehaviour;
    long heldAddressList;
    try {
      Optional<StunAttribute> seq = request.attribute(SEQUENCE);
      if (seq.isEmpty()) {
        return drop(KeepaliveOutcome.UNSUPPORTED);
      }
      sequence = StunAttributes.readSequence(seq.get());
      Optional<StunAttribute> n = request.attribute(SERVER_NONCE);
      nonce = n.isEmpty() ? null : StunAttributes.readServerNonce(n.get());
      Optional<StunAttribute> ack = request.attribute(WAKE_ACK);
      wakeAck = ack.isEmpty() ? null : StunAttributes.readWakeAck(ack.get());
      Optional<StunAttribute> probe = request.attribute(NAT_PROBE);
      probeSeconds = probe.isEmpty() ? 0 : StunAttributes.readNatProbe(probe.get());
      Optional<StunAttribute> behaviour = request.attribute(NAT_BEHAVIOUR);
      natBehaviour = behaviour.isEmpty() ? -1 : StunAttributes.readNatBehaviourPacked(behaviour.get());
      Optional<StunAttribute> held = request.attribute(ADDRESS_LIST_VERSION);
      // a device that reports no version is not told of lists (it could not fetch them)
      heldAddressList = held.isEmpty() ? Long.MAX_VALUE : StunAttributes.readAddressListVersion(held.get());
    } catch (StunParseException e) {
      return drop(KeepaliveOutcome.MALFORMED);
    }
    if (!nonces.isValid(deviceId, nonce, nowMillis)) {
      return answer(KeepaliveOutcome.STALE_NONCE, length, staleNonceAnswer(request, deviceId, key, nowMillis));
    }
    if (alternatePort) {
      return answer(KeepaliveOutcome.MAPPING_PROBE, length, mappingAnswer(request, key, source, nowMillis));
    }
    if (probeSeconds > 0) {
      return lifetimeProbe(request, deviceId, key, source, length, probeSeconds, nowMillis);
    }
    List<InetSocketAddress> lan;
    try {
      lan = lanEndpoints(request);
    } catch (StunParseException e) {
      return drop(KeepaliveOutcome.MALFORMED);
    }
    if (presence.accept(deviceId, source, sequence, nowMillis, intervalSeconds) == null) {
      return drop(KeepaliveOutcome.REPLAYED);
    }
    if (lan != null) {
      lanEndpoints.report(deviceId, lan);
    }
    if (natBehaviour != -1) { // -1 is no valid report: its reserved byte would not be zero
      natBehaviours.report(deviceId, natBehaviour);
    }
    // a nonce of the current epoch stays valid for at least one more epoch: hand it back rather than make one
    byte[] answerNonce = nonces.isCurrent(nonce, nowMillis) ? nonce : nonces.issue(deviceId, nowMillis);
    Result r = answer(KeepaliveOutcome.ACCEPTED, length,
        successAnswer(request, deviceId, key, source, answerNonce, heldAddressList, nowMillis));
    return new Result(r.outcome(), r.answer(), deviceId, wakeAck, 0);
  }

  /** A NAT-PROBE: answered after its delay if a place is free, never at once (that would refresh the mapping). */
  private Result lifetimeProbe(StunMessage request, String deviceId, byte[] key, InetSocketAddress source,
      int length, int seconds, long now) {
    if (!lifetimeProbes.reserve(deviceId)) {
      return drop(KeepaliveOutcome.PROBE_REFUSED);
    }
    Result r = answer(KeepaliveOutcome.LIFETIME_PROBE, length, mappingAnswer(request, key, source, now));
    if (r.answer() == null) {
      lifetimeProbes.release(deviceId);
      return r;
    }
    return new Result(r.outcome(), r.answer(), deviceId, null, seconds * 1000L);
  }

  /** Where the beacon sees the request come from, for the device to compare: no nonce, no flags. */
  private static byte[] mappingAnswer(StunMessage request, byte[] key, InetSocketAddress source, long now) {
    return StunMessage.builder(StunMessage.BINDING_SUCCESS, request.transactionId())
        .add(StunAttributes.xorMappedAddress(source, request.transactionId()), StunAttributes.serverTime(now))
        .messageIntegritySha256(key)
        .fingerprint()
        .encode();
  }

  /** The LAN endpoints a keepalive reports, null when it reports none (most carry none). */
  private static List<InetSocketAddress> lanEndpoints(StunMessage request) throws StunParseException {
    List<StunAttribute> reported = request.attributes(LOCAL_ENDPOINT);
    if (reported.isEmpty()) {
      return null;
    }
    List<InetSocketAddress> endpoints = new ArrayList<>(Math.min(reported.size(), LanEndpoints.MAX_PER_DEVICE));
    for (int i = 0; i < reported.size() && i < LanEndpoints.MAX_PER_DEVICE; i++) {
      endpoints.add(StunAttributes.readLocalEndpoint(reported.get(i)));
    }
    return endpoints;
  }

  private byte[] successAnswer(StunMessage request, String deviceId, byte[] key, InetSocketAddress source,
      byte[] nonce, long heldAddressList, long now) {
    int pending = (work.commands(deviceId) ? StunAttributes.Pending.COMMANDS.bit() : 0)
        | (work.sessions(deviceId) ? StunAttributes.Pending.SESSION.bit() : 0)
        | (work.newerAddressList(deviceId, heldAddressList) ? StunAttributes.Pending.ADDRESS_LIST.bit() : 0);
    return StunMessage.builder(StunMessage.BINDING_SUCCESS, request.transactionId())
        .add(StunAttributes.xorMappedAddress(source, request.transactionId()),
            StunAttributes.serverNonce(nonce),
            StunAttributes.keepaliveInterval(intervalSeconds),
            StunAttributes.pending(PENDING_SETS.get(pending)),
            StunAttributes.serverTime(now))
        .messageIntegritySha256(key)
        .fingerprint()
        .encode();
  }

  private byte[] staleNonceAnswer(StunMessage request, String deviceId, byte[] key, long now) {
    return StunMessage.builder(StunMessage.BINDING_ERROR, request.transactionId())
        .add(StunAttributes.errorCode(new StunAttributes.ErrorCode(401, "")),
            StunAttributes.serverNonce(nonces.issue(deviceId, now)))
        .messageIntegritySha256(key)
        .fingerprint()
        .encode();
  }

  private Result drop(KeepaliveOutcome outcome) {
    counters.count(outcome);
    return new Result(outcome, null);
  }

  /** Never answers with more bytes than the request had: the beacon must not amplify spoofed traffic. */
  private Result answer(KeepaliveOutcome outcome, int requestLength, byte[] answer) {
    counters.count(outcome);
    if (answer.length > requestLength) {
      counters.countSuppressedResponse();
      return new Result(outcome, null);
    }
    return new Result(outcome, answer);
  }
}
