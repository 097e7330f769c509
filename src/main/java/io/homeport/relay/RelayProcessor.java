package io.homeport.relay;

import io.homeport.peer.PeerFrames;
import io.homeport.peer.PeerKeys;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The relay's forwarding rule (DESIGN 5.1), in plain Java: a session's allocation holds one token per
 * side (derived from the session key, as the devices derive them); a relayed frame whose token is
 * known teaches the relay where that side is and goes, unchanged, to the other side. Unknown tokens,
 * malformed datagrams, expired allocations and allocations past their byte cap get nothing back, and
 * are counted. A forwarded datagram is exactly as large as the one received: the relay never amplifies.
 *
 * <p>Not thread-safe: the relay verticle calls it from its event loop.
 */
public final class RelayProcessor {

  /** Why a datagram was not forwarded. */
  public enum Drop { MALFORMED, UNKNOWN_TOKEN, EXPIRED, OVER_CAP, PEER_NOT_YET_SEEN }

  /** Where to send the datagram, or null for nowhere. */
  public record Forward(InetSocketAddress to, String sessionId) {}

  private static final class Allocation {
    final String sessionId;
    long expiresAtMillis;
    final long byteCap;
    long bytes;
    InetSocketAddress requester;
    InetSocketAddress target;

    Allocation(String sessionId, long expiresAtMillis, long byteCap) {
      this.sessionId = sessionId;
      this.expiresAtMillis = expiresAtMillis;
      this.byteCap = byteCap;
    }
  }

  private record Side(Allocation allocation, boolean requester) {}

  private final Map<ByteBuffer, Side> byToken = new HashMap<>();
  private final Map<String, ByteBuffer[]> tokensBySession = new HashMap<>();
  private final Map<Drop, LongAdder> drops = new EnumMap<>(Drop.class);
  private final LongAdder forwarded = new LongAdder();
  private final LongAdder forwardedBytes = new LongAdder();

  public RelayProcessor() {
    for (Drop d : Drop.values()) {
      drops.put(d, new LongAdder());
    }
  }

  /**
   * Opens the allocation of an established session, or renews it with a new expiry (an extension: its
   * byte count and the sides' addresses carry on).
   */
  public void allocate(String sessionId, byte[] sessionKey, long expiresAtMillis, long byteCap) {
    ByteBuffer[] open = tokensBySession.get(sessionId);
    if (open != null) {
      byToken.get(open[0]).allocation().expiresAtMillis = expiresAtMillis;
      return;
    }
    Allocation a = new Allocation(sessionId, expiresAtMillis, byteCap);
    ByteBuffer requester = ByteBuffer.wrap(PeerKeys.relayToken(sessionId, sessionKey, true));
    ByteBuffer target = ByteBuffer.wrap(PeerKeys.relayToken(sessionId, sessionKey, false));
    byToken.put(requester, new Side(a, true));
    byToken.put(target, new Side(a, false));
    tokensBySession.put(sessionId, new ByteBuffer[] {requester, target});
  }

  /** The session ended: its frames are dropped from now on. */
  public void release(String sessionId) {
    ByteBuffer[] tokens = tokensBySession.remove(sessionId);
    if (tokens != null) {
      for (ByteBuffer t : tokens) {
        byToken.remove(t);
      }
    }
  }

  /** Where the datagram in {@code buf[offset, offset + length)} from {@code from} goes; null when it is dropped. */
  public Forward process(InetSocketAddress from, byte[] buf, int offset, int length, long nowMillis) {
    if (length <= PeerFrames.RELAY_HEADER || buf[offset] != PeerFrames.RELAYED) {
      return drop(Drop.MALFORMED);
    }
    Side side = byToken.get(ByteBuffer.wrap(buf, offset + 1, PeerFrames.RELAY_HEADER - 1));
    if (side == null) {
      return drop(Drop.UNKNOWN_TOKEN);
    }
    Allocation a = side.allocation();
    if (nowMillis >= a.expiresAtMillis) {
      release(a.sessionId);
      return drop(Drop.EXPIRED);
    }
    if (a.bytes + length > a.byteCap) {
      return drop(Drop.OVER_CAP);
    }
    if (side.requester()) {
      a.requester = from;
    } else {
      a.target = from;
    }
    InetSocketAddress to = side.requester() ? a.target : a.requester;
    if (to == null) {
      return drop(Drop.PEER_NOT_YET_SEEN); // the other side registers with its first frame
    }
    a.bytes += length;
    forwarded.increment();
    forwardedBytes.add(length);
    return new Forward(to, a.sessionId);
  }

  /** Bytes forwarded for the session so far (both directions); 0 when it has no allocation. */
  public long bytes(String sessionId) {
    ByteBuffer[] tokens = tokensBySession.get(sessionId);
    return tokens == null ? 0 : byToken.get(tokens[0]).allocation().bytes;
  }

  /** Allocations open now. */
  public int allocations() {
    return tokensBySession.size();
  }

  /** Datagrams dropped for this reason; readable from any thread. */
  public long dropped(Drop why) {
    return drops.get(why).sum();
  }

  public long forwarded() {
    return forwarded.sum();
  }

  public long forwardedBytes() {
    return forwardedBytes.sum();
  }

  private Forward drop(Drop why) {
    drops.get(why).increment();
    return null;
  }
}
