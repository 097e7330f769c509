package io.homeport.agent;

import io.homeport.stun.StunAttribute;
import io.homeport.stun.StunAttributes;
import io.homeport.stun.StunCodec;
import io.homeport.stun.StunMessage;
import io.homeport.stun.StunParseException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The keepalive protocol of DESIGN.md 2.1, device side: builds keepalives and makes sense of the
 * answers. Plain Java, no I/O, so the reference agent and the load tool share it.
 *
 * <p>Sequence numbers start at the wall clock in microseconds and count up, so a restarted agent
 * continues above anything it sent before without keeping state on disk. Keepalives are padded to
 * {@link #MIN_KEEPALIVE_BYTES} so that the server's answer is never larger than the request (the
 * server refuses to amplify).
 *
 * <p>Not thread-safe.
 */
public final class KeepaliveSession {
  /** Keepalives are padded to at least this size: above the largest answer (IPv6 mapping, 401 or success). */
  public static final int MIN_KEEPALIVE_BYTES = 160;

  /** What an incoming datagram meant. */
  public sealed interface Answer {}

  /** The keepalive was accepted. */
  public record Accepted(InetSocketAddress mappedAddress, int intervalSeconds, Set<StunAttributes.Pending> pending,
      long serverTimeMillis) implements Answer {}

  /** The server wants a fresh nonce used: it is stored now, send the next keepalive at once. */
  public record NonceRefreshed() implements Answer {}

  /** Not an answer to an outstanding keepalive of this session, or not authentic: ignore it. */
  public record Ignored(String reason) implements Answer {}

  private final String deviceId;
  private final byte[] beaconKey;
  private long sequence;
  private byte[] serverNonce;
  private byte[] outstandingTransaction;
  private List<InetSocketAddress> lanEndpoints = List.of();
  private StunAttributes.NatBehaviour natBehaviour;
  private long addressListVersion;

  /**
   * A NAT discovery request (DESIGN 5.1): a mapping question for the beacon's alternate port, or a
   * lifetime probe the beacon answers only after its delay; read its answer with {@link #probeAnswer}.
   */
  public record Probe(byte[] transactionId, byte[] datagram) {}

  public KeepaliveSession(String deviceId, byte[] beaconKey, long nowMillis) {
    this.deviceId = deviceId;
    this.beaconKey = beaconKey.clone();
    this.sequence = nowMillis * 1000;
  }

  public String deviceId() {
    return deviceId;
  }

  /** The LAN endpoints every following keepalive reports ({@code LOCAL-ENDPOINT}), candidates for peers on the same LAN. */
  public void lanEndpoints(List<InetSocketAddress> endpoints) {
    this.lanEndpoints = List.copyOf(endpoints);
  }

  /** The address-list version the device holds, reported in every following keepalive ({@code ADDRESS-LIST-VERSION}). */
  public void addressListVersion(long version) {
    this.addressListVersion = version;
  }

  /** What the device learned of its NAT, reported in every following keepalive ({@code NAT-BEHAVIOUR}). */
  public void natBehaviour(StunAttributes.NatBehaviour behaviour) {
    this.natBehaviour = behaviour;
  }

  /** Whether a server nonce is held: NAT discovery requests need one (the first accepted keepalive brings it). */
  public boolean hasNonce() {
    return serverNonce != null;
  }

  /** A mapping question, for the beacon's alternate port from the keepalive socket. */
  public Probe mappingQuestion() {
    return probe(List.of());
  }

  /** A lifetime probe, for the beacon port from a socket other than the keepalive socket. */
  public Probe lifetimeProbe(int seconds) {
    return probe(List.of(StunAttributes.natProbe(seconds)));
  }

  private Probe probe(List<StunAttribute> extra) {
    if (serverNonce == null) {
      throw new IllegalStateException("no server nonce yet: wait for the first accepted keepalive");
    }
    byte[] transaction = StunMessage.randomTransactionId();
    List<StunAttribute> attributes = new ArrayList<>();
    attributes.add(StunAttributes.username(deviceId));
    attributes.add(StunAttributes.sequence(++sequence));
    attributes.add(StunAttributes.serverNonce(serverNonce));
    attributes.addAll(extra);
    return new Probe(transaction, request(transaction, attributes));
  }

  /**
   * The public address in the authentic answer to a probe, or null when the datagram is not that answer
   * (another transaction, not authentic, an error).
   */
  public InetSocketAddress probeAnswer(byte[] datagram, byte[] transactionId) {
    try {
      StunMessage m = StunCodec.decode(datagram);
      if (m.type() != StunMessage.BINDING_SUCCESS || !Arrays.equals(m.transactionId(), transactionId)
          || !StunCodec.verifyIntegritySha256(m, beaconKey)) {
        return null;
      }
      Optional<StunAttribute> mapped = m.attribute(StunAttributes.XOR_MAPPED_ADDRESS);
      return mapped.isEmpty() ? null : StunAttributes.readXorMappedAddress(mapped.get(), transactionId);
    } catch (StunParseException e) {
      return null;
    }
  }

  /** The next keepalive; it supersedes any earlier one still unanswered. */
  public byte[] nextKeepalive() {
    return nextKeepalive(null);
  }

  /** The next keepalive, acknowledging a wake when {@code wakeAck} is not null. */
  public byte[] nextKeepalive(Long wakeAck) {
    outstandingTransaction = StunMessage.randomTransactionId();
    List<StunAttribute> attributes = new ArrayList<>();
    attributes.add(StunAttributes.username(deviceId));
    attributes.add(StunAttributes.sequence(++sequence));
    if (serverNonce != null) {
      attributes.add(StunAttributes.serverNonce(serverNonce));
    }
    if (wakeAck != null) {
      attributes.add(StunAttributes.wakeAck(wakeAck));
    }
    for (InetSocketAddress lan : lanEndpoints) {
      attributes.add(StunAttributes.localEndpoint(lan));
    }
    if (natBehaviour != null) {
      attributes.add(StunAttributes.natBehaviour(natBehaviour));
    }
    attributes.add(StunAttributes.addressListVersion(addressListVersion));
    return request(outstandingTransaction, attributes);
  }

  /** A signed Binding Request, padded so that no answer is larger. */
  private byte[] request(byte[] transaction, List<StunAttribute> attributes) {
    // header + attributes + MESSAGE-INTEGRITY-SHA256 (4 + 32) + FINGERPRINT (4 + 4)
    int length = StunMessage.HEADER_LENGTH + 36 + 8;
    for (StunAttribute a : attributes) {
      length += 4 + ((a.length() + 3) & ~3);
    }
    if (length < MIN_KEEPALIVE_BYTES) {
      attributes.add(StunAttributes.padding(Math.max(0, MIN_KEEPALIVE_BYTES - length - 4)));
    }
    return StunMessage.builder(StunMessage.BINDING_REQUEST, transaction)
        .addAll(attributes)
        .messageIntegritySha256(beaconKey)
        .fingerprint()
        .encode();
  }

  /** Interprets a datagram received on the keepalive socket. */
  public Answer onDatagram(byte[] datagram) {
    StunMessage m;
    try {
      m = StunCodec.decode(datagram);
    } catch (StunParseException e) {
      return new Ignored("malformed: " + e.getMessage());
    }
    if (outstandingTransaction == null || !Arrays.equals(m.transactionId(), outstandingTransaction)) {
      return new Ignored("no keepalive outstanding with this transaction id");
    }
    if (!StunCodec.verifyIntegritySha256(m, beaconKey)) {
      return new Ignored("integrity check failed");
    }
    try {
      Optional<StunAttribute> nonce = m.attribute(StunAttributes.SERVER_NONCE);
      if (m.type() == StunMessage.BINDING_ERROR) {
        Optional<StunAttribute> error = m.attribute(StunAttributes.ERROR_CODE);
        if (error.isPresent() && StunAttributes.readErrorCode(error.get()).code() == 401 && nonce.isPresent()) {
          serverNonce = StunAttributes.readServerNonce(nonce.get());
          outstandingTransaction = null;
          return new NonceRefreshed();
        }
        return new Ignored("error answer without a nonce");
      }
      if (m.type() != StunMessage.BINDING_SUCCESS) {
        return new Ignored("unexpected message type");
      }
      if (nonce.isPresent()) {
        serverNonce = StunAttributes.readServerNonce(nonce.get());
      }
      outstandingTransaction = null;
      InetSocketAddress mapped = StunAttributes.readXorMappedAddress(
          m.attribute(StunAttributes.XOR_MAPPED_ADDRESS).orElseThrow(() -> missing("XOR-MAPPED-ADDRESS")),
          m.transactionId());
      int interval = (int) StunAttributes.readKeepaliveInterval(
          m.attribute(StunAttributes.KEEPALIVE_INTERVAL).orElseThrow(() -> missing("KEEPALIVE-INTERVAL")));
      Set<StunAttributes.Pending> pending = m.attribute(StunAttributes.PENDING).isPresent()
          ? StunAttributes.readPending(m.attribute(StunAttributes.PENDING).get()) : Set.of();
      long serverTime = m.attribute(StunAttributes.SERVER_TIME).isPresent()
          ? StunAttributes.readServerTime(m.attribute(StunAttributes.SERVER_TIME).get()) : 0;
      return new Accepted(mapped, interval, pending, serverTime);
    } catch (StunParseException | IllegalStateException e) {
      return new Ignored("invalid answer: " + e.getMessage());
    }
  }

  private static IllegalStateException missing(String attribute) {
    return new IllegalStateException("answer lacks " + attribute);
  }
}
