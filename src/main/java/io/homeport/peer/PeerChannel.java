package io.homeport.peer;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Cipher;

/**
 * One side of a peer session's data path (DESIGN 5.1), in plain Java: the owner feeds it the datagrams
 * of its keepalive socket that {@link PeerFrames#isPeerFrame} claims, calls {@link #tick} every few
 * tens of milliseconds, and sends what it hands to its {@link Transport}.
 *
 * <p>Punching: from the start it probes every candidate of the peer; it acks every authentic probe,
 * from any source, and adds an unknown source as a peer-reflexive candidate (how a symmetric NAT meets a
 * cone NAT). The first acked candidate becomes the path; a better kind (LAN over public over
 * reflexive) acked while probing replaces it. Without an ack within {@link Settings#giveUpMillis} the
 * session goes to the relay (when the offer has one) and keeps probing now and then, to return.
 *
 * <p>Data: AEAD frames under per-direction keys, 64-bit counters, a replay window. Heartbeats keep the
 * path's NAT mappings open; a path silent for two heartbeats is dead and the session moves to the
 * relay without losing anything but the frames in flight.
 *
 * <p>Not thread-safe: one event loop drives it.
 */
public final class PeerChannel {

  /** Sends one datagram from the keepalive socket. */
  @FunctionalInterface
  public interface Transport {
    void send(InetSocketAddress to, byte[] datagram);
  }

  /** Hears payloads and path changes. */
  public interface Listener {
    void received(byte[] payload);

    default void pathChanged(Path previous, Path current) {}
  }

  /** How an address was learned, best first. */
  public enum Kind { LAN, PUBLIC, REFLEXIVE, RELAY }

  /** Where frames go: a peer address of some kind, or the relay. */
  public record Path(Kind kind, InetSocketAddress address) {}

  /** Where the channel is. */
  public enum State { PROBING, DIRECT, RELAY, CLOSED }

  /** Why a frame was dropped. */
  public enum Drop { BAD_PROBE, UNKNOWN_ACK, REPLAYED, BAD_DATA, BAD_RELAY_TOKEN, MALFORMED }

  /**
   * @param probeIntervalMillis gap between probe rounds while punching
   * @param giveUpMillis punching without an ack for this long goes to the relay
   * @param heartbeatMillis gap between heartbeats on the path (below the NAT's mapping lifetime)
   * @param reprobeMillis on the relay, how often the direct candidates are probed again
   */
  public record Settings(long probeIntervalMillis, long giveUpMillis, long heartbeatMillis, long reprobeMillis) {
    // heartbeats every 2 s: far below any NAT's mapping lifetime, and a dead path is left within 4.4 s
    public static final Settings DEFAULTS = new Settings(100, 1000, 2000, 2000);
  }

  private static final int REMEMBERED_PROBES = 256;

  private final PeerKeys keys;
  private final InetSocketAddress relay;
  private final Settings settings;
  private final Transport transport;
  private final Listener listener;
  private final Map<InetSocketAddress, Kind> candidates = new LinkedHashMap<>();
  /** Probes sent and not yet acked, by transaction, with the address they went to. */
  private final Map<Long, InetSocketAddress> outstanding = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, InetSocketAddress> eldest) {
      return size() > REMEMBERED_PROBES;
    }
  };
  private final ReplayWindow probeWindow = new ReplayWindow();
  private final ReplayWindow dataWindow = new ReplayWindow();
  private final Cipher sealer = PeerFrames.newCipher();
  private final Cipher opener = PeerFrames.newCipher();
  private final Map<Drop, Long> drops = new EnumMap<>(Drop.class);
  private long nextTx;
  private long nextCounter;
  private State state = State.PROBING;
  private Path path;
  private long lastProbeRound = Long.MIN_VALUE / 2; // far in the past, without overflowing now - lastProbeRound
  private long lastHeartbeat;
  private long lastHeard;
  private long punchStarted;
  private long bytesSent;
  private long bytesReceived;

  /**
   * @param peerCandidates the peer's candidates from the offer, with their kinds
   * @param relay the relay endpoint of the offer, or null when none
   */
  public PeerChannel(PeerKeys keys, Map<InetSocketAddress, Kind> peerCandidates, InetSocketAddress relay,
      Settings settings, Transport transport, Listener listener, long nowMillis) {
    this.keys = keys;
    this.relay = relay;
    this.settings = settings;
    this.transport = transport;
    this.listener = listener;
    this.candidates.putAll(peerCandidates);
    this.punchStarted = nowMillis;
    // transactions and counters start at random points: nothing about earlier sessions shows
    this.nextTx = new SecureRandom().nextLong() >>> 2;
    this.nextCounter = 0;
  }

  public State state() {
    return state;
  }

  /** The path frames take now; null while punching. */
  public Path path() {
    return path;
  }

  /** Payload bytes sent and received so far (for the end report). */
  public long bytesSent() {
    return bytesSent;
  }

  public long bytesReceived() {
    return bytesReceived;
  }

  /** Frames dropped for this reason so far. */
  public long dropped(Drop why) {
    return drops.getOrDefault(why, 0L);
  }

  /** Drives probes, give-up, heartbeats and dead-path detection. */
  public void tick(long now) {
    if (state == State.CLOSED) {
      return;
    }
    // punching: fast rounds for giveUpMillis (after a path is found too, for a better one), then slow ones
    // while there is no direct path
    boolean early = now - punchStarted < settings.giveUpMillis();
    if ((state != State.DIRECT || early)
        && now - lastProbeRound >= (early ? settings.probeIntervalMillis() : settings.reprobeMillis())) {
      lastProbeRound = now;
      new ArrayList<>(candidates.keySet()).forEach(this::probe);
    }
    if (state == State.PROBING && (!early || candidates.isEmpty())) {
      toRelay(now); // nothing answered, or nothing to punch at all
    }
    if (state == State.DIRECT && now - lastHeard > deadAfter()) {
      toRelay(now);
    }
    if ((state == State.DIRECT || state == State.RELAY) && now - lastHeartbeat >= settings.heartbeatMillis()) {
      lastHeartbeat = now;
      sendData(PeerFrames.Kind.HEARTBEAT, new byte[0]);
    }
  }

  /**
   * How long a direct path may stay silent: two heartbeats unanswered, with a fifth of one more for their
   * round trip.
   */
  private long deadAfter() {
    return 2 * settings.heartbeatMillis() + settings.heartbeatMillis() / 5;
  }

  /** Sends a payload on the current path; false when there is none yet (still punching, no relay). */
  public boolean send(byte[] payload) {
    if (path == null || state == State.CLOSED) {
      return false;
    }
    sendData(PeerFrames.Kind.PAYLOAD, payload);
    bytesSent += payload.length;
    return true;
  }

  /** Stops: nothing is sent or accepted any more. */
  public void close() {
    state = State.CLOSED;
  }

  /**
   * Takes one peer frame (the caller has checked {@link PeerFrames#isPeerFrame}); returns false when it
   * is not for this session, so the caller may offer it to another.
   */
  public boolean onDatagram(InetSocketAddress from, byte[] buf, int offset, int length, long now) {
    if (state == State.CLOSED || length < 1) {
      return false;
    }
    byte type = buf[offset];
    if (type == PeerFrames.RELAYED) {
      if (relay == null || !relay.equals(from) || length < PeerFrames.RELAY_HEADER + 1) {
        return false;
      }
      if (!keys.isPeerRelayToken(buf, offset + 1)) {
        count(Drop.BAD_RELAY_TOKEN);
        return false;
      }
      return onData(null, buf, offset + PeerFrames.RELAY_HEADER, length - PeerFrames.RELAY_HEADER, now);
    }
    if (type == PeerFrames.PROBE || type == PeerFrames.ACK) {
      long tx = PeerFrames.verifyProbe(keys, buf, offset, length);
      if (tx < 0) {
        return false; // another session's, or forged: the owner counts what no session takes
      }
      return type == PeerFrames.PROBE ? onProbe(from, tx) : onAck(from, tx, now);
    }
    if (type == PeerFrames.DATA) {
      return onData(from, buf, offset, length, now);
    }
    count(Drop.MALFORMED);
    return false;
  }

  private boolean onProbe(InetSocketAddress from, long tx) {
    if (!probeWindow.mark(tx)) {
      count(Drop.REPLAYED);
      return true;
    }
    transport.send(from, PeerFrames.probe(PeerFrames.ACK, keys, tx));
    if (!candidates.containsKey(from)) {
      candidates.put(from, Kind.REFLEXIVE);
      probe(from); // our own probe opens our NAT towards it
    }
    return true;
  }

  private boolean onAck(InetSocketAddress from, long tx, long now) {
    InetSocketAddress sentTo = outstanding.remove(tx);
    if (sentTo == null) {
      count(Drop.UNKNOWN_ACK);
      return true;
    }
    Kind kind = candidates.getOrDefault(from, Kind.REFLEXIVE);
    candidates.putIfAbsent(from, kind);
    lastHeard = now;
    if (state != State.DIRECT || kind.ordinal() < path.kind().ordinal()) {
      if (state != State.DIRECT) {
        punchStarted = now; // probing on a little, for a better kind of path
      }
      choose(new Path(kind, from), State.DIRECT, now);
    }
    return true;
  }

  private boolean onData(InetSocketAddress from, byte[] buf, int offset, int length, long now) {
    long counter = PeerFrames.dataCounter(keys, buf, offset, length);
    if (counter < 0) {
      return false;
    }
    if (!dataWindow.isFresh(counter)) {
      count(Drop.REPLAYED);
      return true;
    }
    byte[] plain = PeerFrames.open(keys, opener, counter, buf, offset, length);
    if (plain == null || plain.length < 1 || PeerFrames.Kind.of(plain[0]) == null) {
      count(Drop.BAD_DATA);
      return true;
    }
    dataWindow.mark(counter);
    boolean onPath = path != null && (from == null ? path.kind() == Kind.RELAY : from.equals(path.address()));
    if (onPath) {
      lastHeard = now;
    }
    switch (PeerFrames.Kind.of(plain[0])) {
      case PAYLOAD -> {
        bytesReceived += plain.length - 1;
        listener.received(java.util.Arrays.copyOfRange(plain, 1, plain.length));
      }
      case HEARTBEAT -> sendOn(from, PeerFrames.data(keys, sealer, nextCounter++, PeerFrames.Kind.HEARTBEAT_ACK,
          new byte[0]));
      case HEARTBEAT_ACK -> { }
    }
    return true;
  }

  /** No direct path (none found, or the path missed two heartbeats): the relay, or punching again without one. */
  private void toRelay(long now) {
    if (relay == null) {
      if (state == State.DIRECT) {
        choose(null, State.PROBING, now); // no relay: punch again
        punchStarted = now;
      }
      return;
    }
    choose(new Path(Kind.RELAY, relay), State.RELAY, now);
    sendData(PeerFrames.Kind.HEARTBEAT, new byte[0]); // at once: the relay learns where this side is
  }

  private void choose(Path next, State nextState, long now) {
    Path previous = path;
    path = next;
    state = nextState;
    lastHeard = now;
    lastHeartbeat = now;
    if (previous == null || !previous.equals(next)) {
      listener.pathChanged(previous, next);
    }
  }

  private void probe(InetSocketAddress to) {
    long tx = nextTx++;
    outstanding.put(tx, to);
    transport.send(to, PeerFrames.probe(PeerFrames.PROBE, keys, tx));
  }

  private void sendData(PeerFrames.Kind kind, byte[] payload) {
    byte[] frame = PeerFrames.data(keys, sealer, nextCounter++, kind, payload);
    sendOn(path.kind() == Kind.RELAY ? null : path.address(), frame);
  }

  /** Sends a frame to a peer address, or through the relay for null. */
  private void sendOn(InetSocketAddress to, byte[] frame) {
    if (to == null) {
      if (relay != null) {
        transport.send(relay, PeerFrames.relayed(keys, frame));
      }
    } else {
      transport.send(to, frame);
    }
  }

  private void count(Drop why) {
    drops.merge(why, 1L, Long::sum);
  }
}
