package io.homeport.stun;

import static io.homeport.stun.StunTestSupport.appendRaw;
import static io.homeport.stun.StunTestSupport.hex;
import static io.homeport.stun.StunTestSupport.offsetOf;
import static io.homeport.stun.StunTestSupport.put16;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.homeport.stun.StunAttributes.ErrorCode;
import io.homeport.stun.StunAttributes.Pending;
import io.homeport.stun.StunAttributes.Wake;
import io.homeport.stun.StunAttributes.WakeReason;
import io.homeport.stun.StunParseException.Reason;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Decoding arbitrary bytes either yields a message or throws StunParseException, nothing else. */
class StunHostileInputTest {

  static final byte[] KEY = new byte[32];

  static void assertRejected(ThrowingCallable decode, Reason reason) {
    assertThatThrownBy(decode)
        .isInstanceOfSatisfying(StunParseException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }

  static byte[] signedKeepalive() {
    return StunMessage.builder(StunMessage.BINDING_REQUEST, hex("0102030405060708090a0b0c"))
        .add(StunAttributes.username("device-0042"), StunAttributes.sequence(5), StunAttributes.wakeAck(9))
        .messageIntegritySha256(KEY)
        .fingerprint()
        .encode();
  }

  @Test
  @DisplayName("Verifies that a message truncated at every length is rejected")
  void truncatedAtEveryLength() {
    // given
    byte[] wire = signedKeepalive();
    for (int n = 0; n < wire.length; n++) {
      int length = n;
      // when / then
      assertRejected(() -> StunCodec.decode(wire, 0, length), n < 20 ? Reason.TOO_SHORT : Reason.BAD_LENGTH);
      assertRejected(() -> StunCodec.decode(Arrays.copyOf(wire, length)), n < 20 ? Reason.TOO_SHORT : Reason.BAD_LENGTH);
    }
  }

  @Test
  @DisplayName("Verifies that a wrong magic cookie is rejected")
  void wrongCookie() {
    byte[] wire = signedKeepalive();
    wire[7] ^= 0x01;
    assertRejected(() -> StunCodec.decode(wire), Reason.BAD_COOKIE);
  }

  @Test
  @DisplayName("Verifies that a message type with its top bits set (RTP, TLS, ...) is rejected")
  void topBitsSet() {
    for (int top : new int[] {0x40, 0x80, 0xC0}) {
      byte[] wire = signedKeepalive();
      wire[0] |= (byte) top;
      assertRejected(() -> StunCodec.decode(wire), Reason.BAD_HEADER);
    }
  }

  @Test
  @DisplayName("Verifies that a length field not matching the datagram, or not a multiple of 4, is rejected")
  void lengthMismatch() {
    byte[] wire = signedKeepalive();
    for (int delta : new int[] {-4, -1, 1, 2, 4, 0x1000}) {
      byte[] bad = wire.clone();
      put16(bad, 2, wire.length - 20 + delta);
      assertRejected(() -> StunCodec.decode(bad), Reason.BAD_LENGTH);
    }
    // a datagram with trailing bytes beyond the length field
    assertRejected(() -> StunCodec.decode(Arrays.copyOf(wire, wire.length + 4)), Reason.BAD_LENGTH);
  }

  @Test
  @DisplayName("Verifies that an attribute whose length overruns the message is rejected")
  void attributeOverrun() {
    for (int length : new int[] {5, 8, 0xFFFF}) {
      // given a header + one TLV claiming more than there is
      byte[] wire = hex("0001 0008 2112a442 000000000000000000000000 8022 0000 61626364");
      put16(wire, 22, length);
      // when / then
      assertRejected(() -> StunCodec.decode(wire), Reason.BAD_ATTRIBUTE);
    }
    // padding counts: a 3-byte value needs 4 bytes
    byte[] unpadded = hex("0001 0004 2112a442 000000000000000000000000 8022 0001");
    assertThat(catchReason(() -> StunCodec.decode(hex("0001 0008 2112a442 000000000000000000000000 8022 0003 616263 00"))))
        .isNull();
    assertThat(catchReason(() -> StunCodec.decode(unpadded))).isEqualTo(Reason.BAD_ATTRIBUTE);
  }

  @Test
  @DisplayName("Verifies that any attribute after MESSAGE-INTEGRITY-SHA256 other than FINGERPRINT is rejected")
  void attributeAfterIntegritySha256() {
    // given a message ending in MI-SHA256
    byte[] wire = StunMessage.builder(StunMessage.BINDING_REQUEST, new byte[12])
        .add(StunAttributes.username("d")).messageIntegritySha256(KEY).encode();

    // when / then
    assertRejected(() -> StunCodec.decode(appendRaw(wire, StunAttributes.SOFTWARE, hex("41"), -1)),
        Reason.ATTRIBUTE_AFTER_INTEGRITY);
    assertRejected(() -> StunCodec.decode(appendRaw(wire, StunAttributes.MESSAGE_INTEGRITY_SHA256, new byte[32], -1)),
        Reason.ATTRIBUTE_AFTER_INTEGRITY);
    assertRejected(() -> StunCodec.decode(appendRaw(wire, StunAttributes.MESSAGE_INTEGRITY, new byte[20], -1)),
        Reason.ATTRIBUTE_AFTER_INTEGRITY);
  }

  @Test
  @DisplayName("Verifies that after MESSAGE-INTEGRITY only MESSAGE-INTEGRITY-SHA256 and FINGERPRINT are accepted")
  void attributeAfterIntegrity() throws Exception {
    // given a message ending in MI (HMAC-SHA1)
    byte[] wire = StunMessage.builder(StunMessage.BINDING_REQUEST, new byte[12])
        .add(StunAttributes.username("d")).messageIntegrity(KEY).encode();

    // when / then
    assertRejected(() -> StunCodec.decode(appendRaw(wire, StunAttributes.SEQUENCE, new byte[8], -1)),
        Reason.ATTRIBUTE_AFTER_INTEGRITY);
    assertRejected(() -> StunCodec.decode(appendRaw(wire, StunAttributes.MESSAGE_INTEGRITY, new byte[20], -1)),
        Reason.ATTRIBUTE_AFTER_INTEGRITY);
    assertThat(StunCodec.decode(appendRaw(wire, StunAttributes.MESSAGE_INTEGRITY_SHA256, new byte[32], -1))
        .attributes()).hasSize(3);
  }

  @Test
  @DisplayName("Verifies that an attribute after FINGERPRINT is rejected even when the fingerprint matches")
  void attributeAfterFingerprint() {
    // given a message ending in FINGERPRINT, extended with one attribute and its CRC recomputed
    byte[] wire = StunMessage.builder(StunMessage.BINDING_INDICATION, new byte[12])
        .add(StunAttributes.username("d")).fingerprint().encode();
    int fp = offsetOf(wire, StunAttributes.FINGERPRINT);

    // when / then
    assertRejected(() -> StunCodec.decode(appendRaw(wire, StunAttributes.SOFTWARE, hex("41"), fp)),
        Reason.FINGERPRINT_NOT_LAST);
    assertRejected(() -> StunCodec.decode(appendRaw(wire, StunAttributes.FINGERPRINT, new byte[4], fp)),
        Reason.FINGERPRINT_NOT_LAST);
  }

  @Test
  @DisplayName("Verifies that a wrong FINGERPRINT value is rejected")
  void badFingerprint() {
    byte[] wire = signedKeepalive();
    wire[wire.length - 1] ^= 0x01;
    assertRejected(() -> StunCodec.decode(wire), Reason.BAD_FINGERPRINT);
  }

  @Test
  @DisplayName("Verifies that integrity and fingerprint attributes with lengths their definitions forbid are rejected")
  void badFixedLengths() {
    byte[] empty = StunMessage.builder(StunMessage.BINDING_REQUEST, new byte[12]).encode();
    for (int n : new int[] {0, 16, 19, 21, 32}) {
      assertRejected(() -> StunCodec.decode(appendRaw(empty, StunAttributes.MESSAGE_INTEGRITY, new byte[n], -1)),
          Reason.BAD_ATTRIBUTE);
    }
    for (int n : new int[] {0, 12, 18, 30, 36, 64}) {
      assertRejected(() -> StunCodec.decode(appendRaw(empty, StunAttributes.MESSAGE_INTEGRITY_SHA256, new byte[n], -1)),
          Reason.BAD_ATTRIBUTE);
    }
    for (int n : new int[] {0, 3, 5, 8}) {
      assertRejected(() -> StunCodec.decode(appendRaw(empty, StunAttributes.FINGERPRINT, new byte[n], -1)),
          Reason.BAD_ATTRIBUTE);
    }
  }

  @Test
  @DisplayName("Verifies that more than MAX_ATTRIBUTES attributes are rejected and exactly that many accepted")
  void tooManyAttributes() throws Exception {
    StunMessage.Builder ok = StunMessage.builder(StunMessage.BINDING_REQUEST, new byte[12]);
    for (int i = 0; i < StunCodec.MAX_ATTRIBUTES; i++) {
      ok.add(StunAttribute.of(0xC0FF, new byte[0]));
    }
    byte[] wire = ok.encode();
    assertThat(StunCodec.decode(wire).attributes()).hasSize(StunCodec.MAX_ATTRIBUTES);
    assertRejected(() -> StunCodec.decode(appendRaw(wire, 0xC0FF, new byte[0], -1)), Reason.TOO_MANY_ATTRIBUTES);
  }

  @Test
  @DisplayName("Verifies that a 64 KiB datagram of empty attributes is rejected cheaply, not expanded")
  void maximalDatagram() {
    byte[] wire = new byte[20 + 0xFFFC];
    put16(wire, 0, StunMessage.BINDING_REQUEST);
    put16(wire, 2, 0xFFFC);
    StunTestSupport.put32(wire, 4, StunMessage.MAGIC_COOKIE);
    assertRejected(() -> StunCodec.decode(wire), Reason.TOO_MANY_ATTRIBUTES);
  }

  @Test
  @DisplayName("Verifies that decoding a range of a larger buffer copies it, so the buffer may be reused")
  void decodesRangeAndCopies() throws Exception {
    // given a valid message in the middle of a receive buffer
    byte[] wire = signedKeepalive();
    byte[] buffer = new byte[wire.length + 37];
    System.arraycopy(wire, 0, buffer, 13, wire.length);

    // when
    StunMessage m = StunCodec.decode(buffer, 13, wire.length);
    Arrays.fill(buffer, (byte) 0x55);

    // then
    assertThat(StunAttributes.readUsername(m.attribute(StunAttributes.USERNAME).orElseThrow())).isEqualTo("device-0042");
    assertThat(StunCodec.verifyIntegritySha256(m, KEY)).isTrue();
    assertThatThrownBy(() -> StunCodec.decode(buffer, 13, buffer.length)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  @DisplayName("Verifies that 200k random and mutated datagrams never make decode or the readers throw anything but StunParseException")
  void fuzz() throws Exception {
    // given a fixed seed (printed on failure) and a corpus of valid messages
    long seed = 0x5EED_57E7L;
    Random random = new Random(seed);
    List<byte[]> corpus = corpus();
    int decoded = 0;
    int readersReached = 0;

    for (int i = 0; i < 200_000; i++) {
      byte[] input = switch (i % 4) {
        case 0 -> randomBytes(random, random.nextInt(120));
        case 1 -> randomBody(random);
        case 2 -> mutate(random, corpus.get(random.nextInt(corpus.size())));
        default -> randomTlvs(random);
      };
      // when
      try {
        StunMessage m = StunCodec.decode(input);
        decoded++;
        // then whatever decoded must be safe to read in every way a caller might
        readersReached += readEverything(m);
      } catch (StunParseException expected) {
        assertThat(expected.reason()).isNotNull();
      } catch (Throwable t) {
        fail("iteration " + i + " (seed " + seed + ") input " + java.util.HexFormat.of().formatHex(input)
            + " threw " + t, t);
      }
    }
    // the fuzzer really exercised the accepting paths too
    assertThat(decoded).isGreaterThan(20_000);
    assertThat(readersReached).isGreaterThan(20_000);
  }

  /** Calls every applicable reader and both verifiers; returns how many readers returned normally. */
  static int readEverything(StunMessage m) {
    int ok = 0;
    byte[] txid = m.transactionId();
    for (StunAttribute a : m.attributes()) {
      try {
        switch (a.type()) {
          case StunAttributes.MAPPED_ADDRESS -> StunAttributes.readMappedAddress(a);
          case StunAttributes.XOR_MAPPED_ADDRESS -> StunAttributes.readXorMappedAddress(a, txid);
          case StunAttributes.LOCAL_ENDPOINT -> StunAttributes.readLocalEndpoint(a);
          case StunAttributes.USERNAME -> StunAttributes.readUsername(a);
          case StunAttributes.REALM -> StunAttributes.readRealm(a);
          case StunAttributes.NONCE -> StunAttributes.readNonce(a);
          case StunAttributes.SOFTWARE -> StunAttributes.readSoftware(a);
          case StunAttributes.ERROR_CODE -> StunAttributes.readErrorCode(a);
          case StunAttributes.UNKNOWN_ATTRIBUTES -> StunAttributes.readUnknownAttributes(a);
          case StunAttributes.SEQUENCE -> StunAttributes.readSequence(a);
          case StunAttributes.SERVER_NONCE -> StunAttributes.readServerNonce(a);
          case StunAttributes.ADDRESS_LIST_VERSION -> StunAttributes.readAddressListVersion(a);
          case StunAttributes.KEEPALIVE_INTERVAL -> StunAttributes.readKeepaliveInterval(a);
          case StunAttributes.PENDING -> StunAttributes.readPending(a);
          case StunAttributes.SERVER_TIME -> StunAttributes.readServerTime(a);
          case StunAttributes.WAKE -> StunAttributes.readWake(a);
          case StunAttributes.WAKE_ACK -> StunAttributes.readWakeAck(a);
          default -> a.value();
        }
        ok++;
      } catch (StunParseException expected) {
        // fine: a malformed value
      }
    }
    StunCodec.verifyIntegritySha256(m, KEY);
    StunCodec.verifyIntegritySha1(m, KEY);
    m.toString();
    m.attributes(StunAttributes.LOCAL_ENDPOINT);
    return ok;
  }

  static List<byte[]> corpus() throws Exception {
    byte[] txid = hex("0102030405060708090a0b0c");
    InetSocketAddress v4 = new InetSocketAddress(InetAddress.getByAddress(new byte[] {(byte) 198, 18, 0, 1}), 40000);
    InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByAddress(new byte[16]), 7400);
    List<byte[]> corpus = new ArrayList<>();
    corpus.add(signedKeepalive());
    corpus.add(StunMessage.builder(StunMessage.BINDING_SUCCESS, txid)
        .add(StunAttributes.xorMappedAddress(v4, txid), StunAttributes.xorMappedAddress(v6, txid),
            StunAttributes.serverNonce(new byte[16]), StunAttributes.keepaliveInterval(25),
            StunAttributes.pending(EnumSet.allOf(Pending.class)), StunAttributes.serverTime(1L << 40),
            StunAttributes.addressListVersion(7))
        .messageIntegritySha256(KEY).fingerprint().encode());
    corpus.add(StunMessage.builder(StunMessage.BINDING_ERROR, txid)
        .add(StunAttributes.errorCode(new ErrorCode(401, "Unauthorized")), StunAttributes.serverNonce(new byte[8]),
            StunAttributes.unknownAttributes(List.of(1, 2, 3)), StunAttributes.realm("r"), StunAttributes.nonce("n"))
        .messageIntegrity(KEY).fingerprint().encode());
    corpus.add(StunMessage.builder(StunMessage.BINDING_INDICATION, txid)
        .add(StunAttributes.username("device-\u00e9"), StunAttributes.wake(new Wake(3, WakeReason.SESSION, "app")),
            StunAttributes.localEndpoint(v4), StunAttributes.mappedAddress(v6), StunAttributes.software("x"))
        .messageIntegritySha256(KEY).encode());
    corpus.add(Rfc5769VectorsTest.SAMPLE_REQUEST);
    corpus.add(Rfc5769VectorsTest.SAMPLE_IPV6_RESPONSE);
    corpus.add(Rfc5769VectorsTest.SAMPLE_LONG_TERM_REQUEST);
    return corpus;
  }

  static byte[] randomBytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  /** A valid header (cookie, matching length) in front of random bytes. */
  static byte[] randomBody(Random r) {
    byte[] b = randomBytes(r, 20 + 4 * r.nextInt(30));
    b[0] &= 0x3F;
    put16(b, 2, b.length - 20);
    StunTestSupport.put32(b, 4, StunMessage.MAGIC_COOKIE);
    return b;
  }

  /** A valid header and well-formed TLVs of interesting types with random values. */
  static byte[] randomTlvs(Random r) {
    int[] types = {0x0001, 0x0006, 0x0008, 0x0009, 0x000A, 0x0014, 0x0015, 0x001C, 0x0020, 0x8022, 0x8028,
        0xC010, 0xC011, 0xC012, 0xC013, 0xC015, 0xC016, 0xC017, 0xC018, 0xC019, r.nextInt(0x10000)};
    int[] lengths = {0, 1, 2, 3, 4, 7, 8, 9, 12, 16, 20, 32, 64, 65, 513, 514};
    StunMessage.Builder b = StunMessage.builder(r.nextInt(0x4000), randomBytes(r, 12));
    List<StunAttribute> attributes = new ArrayList<>();
    int count = r.nextInt(6);
    for (int i = 0; i < count; i++) {
      int type = types[r.nextInt(types.length)];
      byte[] value = randomBytes(r, r.nextBoolean() ? lengths[r.nextInt(lengths.length)] : r.nextInt(40));
      if (type == 0xC013 || type == 0x0001 || type == 0x0020) {
        if (value.length > 1) {
          value[1] = (byte) r.nextInt(4); // families 0..3, so lengths and families both get tested
        }
      } else if (type == 0xC018 && value.length > 8) {
        value[8] = (byte) r.nextInt(5);
      } else if (r.nextBoolean()) {
        for (int k = 0; k < value.length; k++) {
          value[k] &= 0x7F; // ASCII, so text readers get past UTF-8 validation
        }
      }
      attributes.add(StunAttribute.of(type, value));
    }
    byte[] head;
    try {
      for (StunAttribute a : attributes) {
        b.add(a);
      }
      if (r.nextBoolean()) {
        b.messageIntegritySha256(KEY);
      }
      if (r.nextBoolean()) {
        b.fingerprint();
      }
      head = b.encode();
    } catch (IllegalArgumentException integrityTypes) {
      // the builder refuses to carry MI/MI-SHA256/FINGERPRINT from outside: append them raw instead
      head = StunMessage.builder(StunMessage.BINDING_REQUEST, new byte[12]).encode();
      for (StunAttribute a : attributes) {
        head = appendRaw(head, a.type(), a.value(), -1);
      }
    }
    return head;
  }

  /** 1-4 random mutations of a valid message. */
  static byte[] mutate(Random r, byte[] original) {
    byte[] b = original.clone();
    int mutations = 1 + r.nextInt(4);
    for (int m = 0; m < mutations && b.length > 0; m++) {
      switch (r.nextInt(7)) {
        case 0 -> b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
        case 1 -> b[r.nextInt(b.length)] = (byte) r.nextInt(256);
        case 2 -> b = Arrays.copyOf(b, r.nextInt(b.length + 1));
        case 3 -> {
          byte[] longer = Arrays.copyOf(b, b.length + r.nextInt(16));
          for (int k = b.length; k < longer.length; k++) {
            longer[k] = (byte) r.nextInt(256);
          }
          b = longer;
        }
        case 4 -> {
          if (b.length >= 4) {
            put16(b, 2, b.length - 20); // make the header length agree again
          }
        }
        case 5 -> {
          // rewrite one attribute length field to a random value
          int p = 20;
          while (p + 4 <= b.length && r.nextInt(3) != 0) {
            p += 4 + ((StunTestSupport.u16(b, p + 2) + 3) & ~3);
          }
          if (p + 4 <= b.length) {
            put16(b, p + 2, r.nextBoolean() ? r.nextInt(0x10000) : r.nextInt(40));
          }
        }
        default -> {
          // a valid message but with an extreme value in a random attribute value byte
          if (b.length > 24) {
            b[24 + r.nextInt(b.length - 24)] = (byte) (r.nextBoolean() ? 0xFF : 0x00);
          }
        }
      }
    }
    return b;
  }

  private static Reason catchReason(ThrowingCallable call) {
    try {
      call.call();
      return null;
    } catch (StunParseException e) {
      return e.reason();
    } catch (Throwable t) {
      throw new AssertionError(t);
    }
  }
}
