package io.homeport.stun;

import static io.homeport.stun.StunTestSupport.expectedHmac;
import static io.homeport.stun.StunTestSupport.fingerprintOf;
import static io.homeport.stun.StunTestSupport.hex;
import static io.homeport.stun.StunTestSupport.offsetOf;
import static io.homeport.stun.StunTestSupport.put16;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homeport.stun.StunAttributes.Pending;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** MESSAGE-INTEGRITY-SHA256 as Homeport's keepalives, answers and wakes use it. */
class StunIntegrityTest {

  static final byte[] BEACON_KEY = hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

  static byte[] keepalive(boolean fingerprint) throws Exception {
    StunMessage.Builder b =
        StunMessage.builder(StunMessage.BINDING_REQUEST, hex("a1a2a3a4a5a6a7a8a9aaabac"))
            .add(
                StunAttributes.username("device-0042"),
                StunAttributes.sequence(17),
                StunAttributes.serverNonce(hex("0badc0de0badc0de")),
                StunAttributes.addressListVersion(3),
                StunAttributes.localEndpoint(
                    new InetSocketAddress(InetAddress.getByAddress(new byte[] {(byte) 192, (byte) 168, 1, 9}), 7400)))
            .messageIntegritySha256(BEACON_KEY);
    return (fingerprint ? b.fingerprint() : b).encode();
  }

  @Test
  @DisplayName("Verifies that a message encoded with MESSAGE-INTEGRITY-SHA256 verifies with the same key")
  void verifiesWithKey() throws Exception {
    // given
    byte[] wire = keepalive(true);

    // when
    StunMessage m = StunCodec.decode(wire);

    // then
    assertThat(StunCodec.verifyIntegritySha256(m, BEACON_KEY)).isTrue();
    assertThat(m.attributes()).extracting(StunAttribute::type)
        .endsWith(StunAttributes.MESSAGE_INTEGRITY_SHA256, StunAttributes.FINGERPRINT);
    assertThat(m.attribute(StunAttributes.MESSAGE_INTEGRITY_SHA256).orElseThrow().length()).isEqualTo(32);
  }

  @Test
  @DisplayName("Verifies that the encoded HMAC and FINGERPRINT are exactly what RFC 8489 §14.6/§14.7 specify")
  void encodedValuesMatchTheRfcDefinition() throws Exception {
    // given
    byte[] wire = keepalive(true);
    int mi = offsetOf(wire, StunAttributes.MESSAGE_INTEGRITY_SHA256);
    int fp = offsetOf(wire, StunAttributes.FINGERPRINT);

    // when: computed independently with javax.crypto and java.util.zip
    byte[] hmac = expectedHmac("HmacSHA256", BEACON_KEY, wire, mi, 32);
    int crc = fingerprintOf(wire, fp);

    // then
    assertThat(Arrays.copyOfRange(wire, mi + 4, mi + 36)).isEqualTo(hmac);
    assertThat(StunTestSupport.u16(wire, fp + 4) << 16 | StunTestSupport.u16(wire, fp + 6)).isEqualTo(crc);
    assertThat(fp).isEqualTo(mi + 36);
    assertThat(wire.length).isEqualTo(fp + 8);
  }

  @Test
  @DisplayName("Verifies that a wrong key, a key of another length or a missing attribute fails verification")
  void wrongKeyFails() throws Exception {
    // given
    StunMessage m = StunCodec.decode(keepalive(true));
    byte[] otherKey = BEACON_KEY.clone();
    otherKey[31] ^= 1;
    StunMessage unsigned = StunCodec.decode(
        StunMessage.builder(StunMessage.BINDING_REQUEST, new byte[12]).fingerprint().encode());

    // when / then
    assertThat(StunCodec.verifyIntegritySha256(m, otherKey)).isFalse();
    assertThat(StunCodec.verifyIntegritySha256(m, Arrays.copyOf(BEACON_KEY, 31))).isFalse();
    assertThat(StunCodec.verifyIntegritySha256(unsigned, BEACON_KEY)).isFalse();
    assertThat(StunCodec.verifyIntegritySha1(m, BEACON_KEY)).isFalse(); // no legacy attribute
    assertThatThrownBy(() -> StunCodec.verifyIntegritySha256(m, new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("Verifies that one thread checking with alternating keys, and with a key array changed in place, "
      + "always uses the key it was given (the thread's Mac keeps its last key)")
  void keyReuseFollowsTheKeyGiven() throws Exception {
    // given a message signed with BEACON_KEY and a key array that will be changed in place
    StunMessage m = StunCodec.decode(keepalive(true));
    byte[] mutable = BEACON_KEY.clone();
    byte[] other = BEACON_KEY.clone();
    other[0] ^= 1;
    // when / then: alternating keys give alternating answers
    for (int i = 0; i < 3; i++) {
      assertThat(StunCodec.verifyIntegritySha256(m, BEACON_KEY)).isTrue();
      assertThat(StunCodec.verifyIntegritySha256(m, other)).isFalse();
    }
    // and the same array, once right and then changed, is read again
    assertThat(StunCodec.verifyIntegritySha256(m, mutable)).isTrue();
    mutable[5] ^= 1;
    assertThat(StunCodec.verifyIntegritySha256(m, mutable)).isFalse();
    mutable[5] ^= 1;
    assertThat(StunCodec.verifyIntegritySha256(m, mutable)).isTrue();
    // and an encoding between checks signs with its own key
    byte[] signedWithOther = StunMessage.builder(StunMessage.BINDING_SUCCESS, new byte[12])
        .messageIntegritySha256(other).encode();
    assertThat(StunCodec.verifyIntegritySha256(StunCodec.decode(signedWithOther), other)).isTrue();
    assertThat(StunCodec.verifyIntegritySha256(m, BEACON_KEY)).isTrue();
  }

  @Test
  @DisplayName("Verifies that flipping any single bit either fails parsing (fingerprint) or fails integrity")
  void everyBitFlipIsCaught() throws Exception {
    for (boolean withFingerprint : new boolean[] {true, false}) {
      // given
      byte[] wire = keepalive(withFingerprint);
      for (int bit = 0; bit < wire.length * 8; bit++) {
        byte[] flipped = wire.clone();
        flipped[bit / 8] ^= (byte) (1 << (bit % 8));

        // when
        boolean accepted;
        try {
          accepted = StunCodec.verifyIntegritySha256(StunCodec.decode(flipped), BEACON_KEY);
        } catch (StunParseException e) {
          accepted = false;
        }

        // then
        assertThat(accepted).as("bit %d, fingerprint %s", bit, withFingerprint).isFalse();
      }
    }
  }

  @Test
  @DisplayName("Verifies that with a fingerprint, a flipped bit is always rejected by decode itself")
  void fingerprintCatchesEveryFlip() throws Exception {
    byte[] wire = keepalive(true);
    for (int bit = 0; bit < wire.length * 8; bit++) {
      byte[] flipped = wire.clone();
      flipped[bit / 8] ^= (byte) (1 << (bit % 8));
      assertThatThrownBy(() -> StunCodec.decode(flipped)).isInstanceOf(StunParseException.class);
    }
  }

  @Test
  @DisplayName("Verifies that a truncated (16-byte) MESSAGE-INTEGRITY-SHA256 decodes but never verifies")
  void truncatedHmacIsNotAccepted() throws Exception {
    // given a message whose 16-byte MI-SHA256 is the correct truncated HMAC (RFC 8489 allows it)
    byte[] head = StunMessage.builder(StunMessage.BINDING_REQUEST, new byte[12])
        .add(StunAttributes.username("device-0042")).encode();
    byte[] wire = Arrays.copyOf(head, head.length + 20);
    put16(wire, head.length, StunAttributes.MESSAGE_INTEGRITY_SHA256);
    put16(wire, head.length + 2, 16);
    System.arraycopy(expectedHmac("HmacSHA256", BEACON_KEY, wire, head.length, 16), 0, wire, head.length + 4, 16);
    put16(wire, 2, wire.length - 20);

    // when
    StunMessage m = StunCodec.decode(wire);

    // then: Homeport insists on the full 32 bytes
    assertThat(StunCodec.verifyIntegritySha256(m, BEACON_KEY)).isFalse();
  }

  @Test
  @DisplayName("Verifies that MESSAGE-INTEGRITY and MESSAGE-INTEGRITY-SHA256 together both verify, each over its own prefix")
  void bothIntegrityAttributes() throws Exception {
    // given
    byte[] legacyKey = "password".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] wire = StunMessage.builder(StunMessage.BINDING_SUCCESS, StunMessage.randomTransactionId())
        .add(StunAttributes.pending(EnumSet.of(Pending.COMMANDS)), StunAttributes.serverTime(1_700_000_000_000L))
        .messageIntegrity(legacyKey)
        .messageIntegritySha256(BEACON_KEY)
        .fingerprint()
        .encode();

    // when
    StunMessage m = StunCodec.decode(wire);

    // then
    assertThat(m.attributes()).extracting(StunAttribute::type).endsWith(
        StunAttributes.MESSAGE_INTEGRITY, StunAttributes.MESSAGE_INTEGRITY_SHA256, StunAttributes.FINGERPRINT);
    assertThat(StunCodec.verifyIntegritySha1(m, legacyKey)).isTrue();
    assertThat(StunCodec.verifyIntegritySha256(m, BEACON_KEY)).isTrue();
    int mi = offsetOf(wire, StunAttributes.MESSAGE_INTEGRITY);
    assertThat(Arrays.copyOfRange(wire, mi + 4, mi + 24)).isEqualTo(expectedHmac("HmacSHA1", legacyKey, wire, mi, 20));
  }

  @Test
  @DisplayName("Verifies that verification is correct when used from many threads at once (per-thread Mac)")
  void threadSafe() throws Exception {
    // given
    byte[] wire = keepalive(true);
    byte[] otherKey = new byte[32];
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      // when
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        results.add(pool.submit(() -> {
          for (int i = 0; i < 2_000; i++) {
            StunMessage m = StunCodec.decode(wire);
            if (!StunCodec.verifyIntegritySha256(m, BEACON_KEY) || StunCodec.verifyIntegritySha256(m, otherKey)) {
              return false;
            }
          }
          return true;
        }));
      }
      // then
      for (Future<Boolean> r : results) {
        assertThat(r.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
