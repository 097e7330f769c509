package io.homeport.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.peer.PeerFrames;
import io.homeport.peer.PeerKeys;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The relay's forwarding rule without sockets. */
class RelayProcessorTest {
  private static final InetSocketAddress REQUESTER = new InetSocketAddress("203.0.113.1", 40001);
  private static final InetSocketAddress TARGET = new InetSocketAddress("203.0.113.2", 40002);
  private static final InetSocketAddress STRANGER = new InetSocketAddress("192.0.2.66", 6666);

  private final RelayProcessor relay = new RelayProcessor();
  private final String sessionId = UUID.randomUUID().toString();
  private final byte[] key = key();

  @Test
  @DisplayName("Verifies that frames with a side's token go, unchanged in size, to the other side once it has been seen")
  void forwardsBetweenSides() {
    // given an allocation for the session
    relay.allocate(sessionId, key, 10_000, 1_000_000);
    byte[] fromRequester = frame(true, 100);
    byte[] fromTarget = frame(false, 60);

    // when the requester sends before the target was seen, then the target, then the requester again
    assertThat(relay.process(REQUESTER, fromRequester, 0, fromRequester.length, 1)).isNull();
    RelayProcessor.Forward toRequester = relay.process(TARGET, fromTarget, 0, fromTarget.length, 2);
    RelayProcessor.Forward toTarget = relay.process(REQUESTER, fromRequester, 0, fromRequester.length, 3);

    // then the first waits for the peer (dropped), the others cross over, and the bytes are counted
    assertThat(relay.dropped(RelayProcessor.Drop.PEER_NOT_YET_SEEN)).isEqualTo(1);
    assertThat(toRequester.to()).isEqualTo(REQUESTER);
    assertThat(toTarget.to()).isEqualTo(TARGET);
    assertThat(relay.bytes(sessionId)).isEqualTo(fromRequester.length + fromTarget.length);
  }

  @Test
  @DisplayName("Verifies that unknown tokens, malformed datagrams, released, expired and over-cap allocations forward nothing")
  void dropsWhatItMust() {
    // given an allocation of 300 bytes until t=1000, both sides seen
    relay.allocate(sessionId, key, 1_000, 300);
    byte[] r = frame(true, 100);
    byte[] t = frame(false, 100);
    relay.process(REQUESTER, r, 0, r.length, 1);
    assertThat(relay.process(TARGET, t, 0, t.length, 2)).isNotNull();

    // when a stranger sends a frame of another session, a short datagram, and STUN
    byte[] foreign = PeerFrames.relayed(PeerKeys.derive(UUID.randomUUID().toString(), key(), true), new byte[50]);
    assertThat(relay.process(STRANGER, foreign, 0, foreign.length, 3)).isNull();
    assertThat(relay.process(STRANGER, new byte[] {PeerFrames.RELAYED, 1}, 0, 2, 3)).isNull();
    assertThat(relay.process(STRANGER, new byte[20], 0, 20, 3)).isNull();
    // and the requester goes past the 300-byte cap
    assertThat(relay.process(REQUESTER, r, 0, r.length, 4)).isNotNull();
    assertThat(relay.process(REQUESTER, r, 0, r.length, 5)).isNull();

    // then each was counted by its reason
    assertThat(relay.dropped(RelayProcessor.Drop.UNKNOWN_TOKEN)).isEqualTo(1);
    assertThat(relay.dropped(RelayProcessor.Drop.MALFORMED)).isEqualTo(2);
    assertThat(relay.dropped(RelayProcessor.Drop.OVER_CAP)).isEqualTo(1);

    // and after the expiry, and after a release, the session's frames go nowhere
    relay.allocate(sessionId, key, 1_000, 1_000_000);
    assertThat(relay.process(REQUESTER, r, 0, r.length, 1_000)).isNull();
    assertThat(relay.dropped(RelayProcessor.Drop.EXPIRED)).isEqualTo(1);
    relay.allocate(sessionId, key, 10_000, 1_000_000);
    relay.release(sessionId);
    assertThat(relay.process(REQUESTER, r, 0, r.length, 2_000)).isNull();
    assertThat(relay.allocations()).isZero();
  }

  @Test
  @DisplayName("Verifies that an extension renews the allocation's expiry and keeps its byte count and the sides it saw")
  void extensionRenews() {
    // given an allocation until t=1000 that forwarded a frame each way
    relay.allocate(sessionId, key, 1_000, 1_000_000);
    byte[] r = frame(true, 100);
    byte[] t = frame(false, 100);
    relay.process(TARGET, t, 0, t.length, 1);
    relay.process(REQUESTER, r, 0, r.length, 2);
    long before = relay.bytes(sessionId);

    // when the session is extended to t=5000
    relay.allocate(sessionId, key, 5_000, 1_000_000);

    // then frames go on past the old expiry, straight to the side already seen, and the count goes on
    assertThat(relay.process(TARGET, t, 0, t.length, 2_000)).isNotNull();
    assertThat(relay.bytes(sessionId)).isEqualTo(before + t.length);
  }

    private byte[] frame(boolean requester, int innerBytes) {
    return PeerFrames.relayed(PeerKeys.derive(sessionId, key, requester), new byte[innerBytes]);
  }

  private static byte[] key() {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    return k;
  }
}
