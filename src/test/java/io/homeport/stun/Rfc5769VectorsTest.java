package io.homeport.stun;

import static io.homeport.stun.StunTestSupport.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homeport.stun.StunParseException.Reason;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.text.Normalizer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The sample messages of RFC 5769, byte for byte. §2.1-2.3 pad with spaces (allowed, and covered
 * by their MESSAGE-INTEGRITY and FINGERPRINT), so those are checked by decoding and by re-encoding
 * single attribute values; §2.4 pads with zeros and is re-encoded whole.
 */
class Rfc5769VectorsTest {

  static final byte[] TRANSACTION_ID = hex("b7 e7 a7 01 bc 34 d6 86 fa 87 df ae");
  static final byte[] SHORT_TERM_PASSWORD =
      "VOkJxbRl1RmTxUk/WvJxBt".getBytes(StandardCharsets.UTF_8);

  /** §2.1 Sample Request. */
  static final byte[] SAMPLE_REQUEST =
      hex(
          """
          00 01 00 58  21 12 a4 42  b7 e7 a7 01  bc 34 d6 86  fa 87 df ae
          80 22 00 10  53 54 55 4e  20 74 65 73  74 20 63 6c  69 65 6e 74
          00 24 00 04  6e 00 01 ff
          80 29 00 08  93 2f f9 b1  51 26 3b 36
          00 06 00 09  65 76 74 6a  3a 68 36 76  59 20 20 20
          00 08 00 14  9a ea a7 0c  bf d8 cb 56  78 1e f2 b5  b2 d3 f2 49  c1 b5 71 a2
          80 28 00 04  e5 7a 3b cf
          """);

  /** §2.2 Sample IPv4 Response. */
  static final byte[] SAMPLE_IPV4_RESPONSE =
      hex(
          """
          01 01 00 3c  21 12 a4 42  b7 e7 a7 01  bc 34 d6 86  fa 87 df ae
          80 22 00 0b  74 65 73 74  20 76 65 63  74 6f 72 20
          00 20 00 08  00 01 a1 47  e1 12 a6 43
          00 08 00 14  2b 91 f5 99  fd 9e 90 c3  8c 74 89 f9  2a f9 ba 53  f0 6b e7 d7
          80 28 00 04  c0 7d 4c 96
          """);

  /** §2.3 Sample IPv6 Response. */
  static final byte[] SAMPLE_IPV6_RESPONSE =
      hex(
          """
          01 01 00 48  21 12 a4 42  b7 e7 a7 01  bc 34 d6 86  fa 87 df ae
          80 22 00 0b  74 65 73 74  20 76 65 63  74 6f 72 20
          00 20 00 14  00 02 a1 47  01 13 a9 fa  a5 d3 f1 79  bc 25 f4 b5  be d2 b9 d9
          00 08 00 14  a3 82 95 4e  4b e6 7b f1  17 84 c9 7c  82 92 c2 75  bf e3 ed 41
          80 28 00 04  c8 fb 0b 4c
          """);

  /** §2.4 Sample Request with Long-Term Authentication (no FINGERPRINT). */
  static final byte[] SAMPLE_LONG_TERM_REQUEST =
      hex(
          """
          00 01 00 60  21 12 a4 42  78 ad 34 33  c6 ad 72 c0  29 da 41 2e
          00 06 00 12  e3 83 9e e3  83 88 e3 83  aa e3 83 83  e3 82 af e3  82 b9 00 00
          00 15 00 1c  66 2f 2f 34  39 39 6b 39  35 34 64 36  4f 4c 33 34  6f 4c 39 46
                       53 54 76 79  36 34 73 41
          00 14 00 0b  65 78 61 6d  70 6c 65 2e  6f 72 67 00
          00 08 00 14  f6 70 24 65  6d d6 4a 3e  02 b8 e0 71  2e 85 c9 a2  8c a8 96 66
          """);

  static final String LONG_TERM_USERNAME = "\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9";
  static final String LONG_TERM_NONCE = "f//499k954d6OL34oL9FSTvy64sA";
  static final String LONG_TERM_REALM = "example.org";

  static final InetSocketAddress MAPPED_IPV4 = address("192.0.2.1", 32853);
  static final InetSocketAddress MAPPED_IPV6 =
      address("2001:db8:1234:5678:11:2233:4455:6677", 32853);

  static InetSocketAddress address(String literal, int port) {
    try {
      return new InetSocketAddress(InetAddress.getByName(literal), port); // a literal: no DNS
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  @DisplayName("Verifies that the §2.1 sample request decodes with a valid FINGERPRINT and MESSAGE-INTEGRITY")
  void sampleRequest() throws Exception {
    // given the RFC bytes
    // when
    StunMessage m = StunCodec.decode(SAMPLE_REQUEST);

    // then: the header
    assertThat(m.type()).isEqualTo(StunMessage.BINDING_REQUEST);
    assertThat(m.method()).isEqualTo(StunMessage.METHOD_BINDING);
    assertThat(m.messageClass()).isEqualTo(StunMessage.MessageClass.REQUEST);
    assertThat(m.transactionId()).isEqualTo(TRANSACTION_ID);
    // every attribute, including the ICE ones this codec has no typed reader for, in wire order
    assertThat(m.attributes())
        .extracting(StunAttribute::type)
        .containsExactly(0x8022, 0x0024, 0x8029, 0x0006, 0x0008, 0x8028);
    assertThat(StunAttributes.readSoftware(m.attribute(StunAttributes.SOFTWARE).orElseThrow()))
        .isEqualTo("STUN test client");
    assertThat(StunAttributes.readUsername(m.attribute(StunAttributes.USERNAME).orElseThrow()))
        .isEqualTo("evtj:h6vY");
    assertThat(m.attribute(0x0024).orElseThrow().value()).isEqualTo(hex("6e 00 01 ff"));
    // the fingerprint was checked by decode; the integrity with the short-term password
    assertThat(m.attribute(StunAttributes.FINGERPRINT)).isPresent();
    assertThat(StunCodec.verifyIntegritySha1(m, SHORT_TERM_PASSWORD)).isTrue();
    assertThat(StunCodec.verifyIntegritySha1(m, "wrong".getBytes(StandardCharsets.UTF_8))).isFalse();
    assertThat(StunCodec.verifyIntegritySha256(m, SHORT_TERM_PASSWORD)).isFalse(); // none present
  }

  @Test
  @DisplayName("Verifies that re-encoding the §2.1 USERNAME and SOFTWARE gives the RFC's value bytes")
  void sampleRequestAttributesReencode() throws Exception {
    // given
    StunMessage m = StunCodec.decode(SAMPLE_REQUEST);

    // when / then
    assertThat(StunAttributes.username("evtj:h6vY"))
        .isEqualTo(m.attribute(StunAttributes.USERNAME).orElseThrow());
    assertThat(StunAttributes.software("STUN test client"))
        .isEqualTo(m.attribute(StunAttributes.SOFTWARE).orElseThrow());
  }

  @Test
  @DisplayName("Verifies that the §2.2 IPv4 response decodes to 192.0.2.1:32853 with valid FINGERPRINT and MESSAGE-INTEGRITY")
  void sampleIpv4Response() throws Exception {
    // given the RFC bytes
    // when
    StunMessage m = StunCodec.decode(SAMPLE_IPV4_RESPONSE);

    // then
    assertThat(m.type()).isEqualTo(StunMessage.BINDING_SUCCESS);
    assertThat(m.messageClass()).isEqualTo(StunMessage.MessageClass.SUCCESS_RESPONSE);
    StunAttribute xor = m.attribute(StunAttributes.XOR_MAPPED_ADDRESS).orElseThrow();
    assertThat(StunAttributes.readXorMappedAddress(xor, m.transactionId())).isEqualTo(MAPPED_IPV4);
    assertThat(StunAttributes.readSoftware(m.attribute(StunAttributes.SOFTWARE).orElseThrow()))
        .isEqualTo("test vector");
    assertThat(m.attribute(StunAttributes.FINGERPRINT)).isPresent();
    assertThat(StunCodec.verifyIntegritySha1(m, SHORT_TERM_PASSWORD)).isTrue();
  }

  @Test
  @DisplayName("Verifies that encoding XOR-MAPPED-ADDRESS for the §2.2 transaction gives the RFC's value bytes")
  void ipv4XorMappedAddressReencodes() {
    // given the §2.2 address and transaction id
    // when
    StunAttribute a = StunAttributes.xorMappedAddress(MAPPED_IPV4, TRANSACTION_ID);

    // then
    assertThat(a.type()).isEqualTo(0x0020);
    assertThat(a.value()).isEqualTo(hex("00 01 a1 47 e1 12 a6 43"));
  }

  @Test
  @DisplayName("Verifies that the §2.3 IPv6 response decodes to [2001:db8:1234:5678:11:2233:4455:6677]:32853")
  void sampleIpv6Response() throws Exception {
    // given the RFC bytes
    // when
    StunMessage m = StunCodec.decode(SAMPLE_IPV6_RESPONSE);

    // then
    StunAttribute xor = m.attribute(StunAttributes.XOR_MAPPED_ADDRESS).orElseThrow();
    InetSocketAddress mapped = StunAttributes.readXorMappedAddress(xor, m.transactionId());
    assertThat(mapped).isEqualTo(MAPPED_IPV6);
    assertThat(mapped.getAddress().getAddress())
        .isEqualTo(hex("2001 0db8 1234 5678 0011 2233 4455 6677"));
    assertThat(m.attribute(StunAttributes.FINGERPRINT)).isPresent();
    assertThat(StunCodec.verifyIntegritySha1(m, SHORT_TERM_PASSWORD)).isTrue();
  }

  @Test
  @DisplayName("Verifies that encoding XOR-MAPPED-ADDRESS for the §2.3 transaction gives the RFC's IPv6 value bytes")
  void ipv6XorMappedAddressReencodes() {
    // given the §2.3 address and transaction id
    // when
    StunAttribute a = StunAttributes.xorMappedAddress(MAPPED_IPV6, TRANSACTION_ID);

    // then
    assertThat(a.value())
        .isEqualTo(hex("00 02 a1 47 01 13 a9 fa a5 d3 f1 79 bc 25 f4 b5 be d2 b9 d9"));
  }

  @Test
  @DisplayName("Verifies that the §2.4 long-term request decodes and its MESSAGE-INTEGRITY checks with MD5(username:realm:password)")
  void sampleLongTermRequest() throws Exception {
    // given the RFC bytes and the long-term key
    byte[] key = longTermKey();

    // when
    StunMessage m = StunCodec.decode(SAMPLE_LONG_TERM_REQUEST);

    // then
    assertThat(StunAttributes.readUsername(m.attribute(StunAttributes.USERNAME).orElseThrow()))
        .isEqualTo(LONG_TERM_USERNAME);
    assertThat(StunAttributes.readNonce(m.attribute(StunAttributes.NONCE).orElseThrow()))
        .isEqualTo(LONG_TERM_NONCE);
    assertThat(StunAttributes.readRealm(m.attribute(StunAttributes.REALM).orElseThrow()))
        .isEqualTo(LONG_TERM_REALM);
    assertThat(m.attribute(StunAttributes.FINGERPRINT)).isEmpty();
    assertThat(StunCodec.verifyIntegritySha1(m, key)).isTrue();
    assertThat(StunCodec.verifyIntegritySha1(m, SHORT_TERM_PASSWORD)).isFalse();
  }

  @Test
  @DisplayName("Verifies that re-encoding the §2.4 request with the long-term key reproduces the RFC bytes exactly")
  void longTermRequestReencodesExactly() throws Exception {
    // given the §2.4 parameters
    byte[] transactionId = hex("78 ad 34 33 c6 ad 72 c0 29 da 41 2e");

    // when
    byte[] encoded =
        StunMessage.builder(StunMessage.BINDING_REQUEST, transactionId)
            .add(
                StunAttributes.username(LONG_TERM_USERNAME),
                StunAttributes.nonce(LONG_TERM_NONCE),
                StunAttributes.realm(LONG_TERM_REALM))
            .messageIntegrity(longTermKey())
            .encode();

    // then
    assertThat(encoded).isEqualTo(SAMPLE_LONG_TERM_REQUEST);
  }

  @Test
  @DisplayName("Verifies that the RFC messages are rejected once a byte covered by FINGERPRINT changes")
  void fingerprintIsChecked() {
    // given the §2.1 request with one changed byte of its SOFTWARE value
    byte[] tampered = SAMPLE_REQUEST.clone();
    tampered[24] ^= 0x01;

    // when / then
    assertThatThrownBy(() -> StunCodec.decode(tampered))
        .isInstanceOfSatisfying(
            StunParseException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_FINGERPRINT));
  }

  /**
   * MD5(username ":" realm ":" password). The RFC's password is "The&lt;U+00AD&gt;M&lt;U+00AA&gt;tr
   * &lt;U+2168&gt;", which SASLprep maps to "TheMatrIX" (soft hyphen dropped, NFKC for the rest).
   */
  static byte[] longTermKey() throws Exception {
    String password =
        Normalizer.normalize("The\u00ADM\u00AAtr\u2168".replace("\u00AD", ""), Normalizer.Form.NFKC);
    assertThat(password).isEqualTo("TheMatrIX");
    String credentials = LONG_TERM_USERNAME + ":" + LONG_TERM_REALM + ":" + password;
    return MessageDigest.getInstance("MD5").digest(credentials.getBytes(StandardCharsets.UTF_8));
  }
}
