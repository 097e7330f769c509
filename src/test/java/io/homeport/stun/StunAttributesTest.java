package io.homeport.stun;

import static io.homeport.stun.StunTestSupport.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homeport.stun.StunAttributes.ErrorCode;
import io.homeport.stun.StunAttributes.Pending;
import io.homeport.stun.StunAttributes.Wake;
import io.homeport.stun.StunAttributes.WakeReason;
import io.homeport.stun.StunParseException.Reason;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Every typed attribute survives encode → decode → read, and readers reject malformed values. */
class StunAttributesTest {

  static final byte[] TRANSACTION_ID = hex("0102030405060708090a0b0c");
  static final InetSocketAddress V4 = address(new byte[] {(byte) 198, 18, 0, 7}, 40123);
  static final InetSocketAddress V6 =
      address(hex("2001 0db8 0000 0000 0000 ff00 0042 8329"), 7400);

  static InetSocketAddress address(byte[] ip, int port) {
    try {
      return new InetSocketAddress(InetAddress.getByAddress(ip), port);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Encodes a Binding Request carrying {@code a} (with integrity and fingerprint) and decodes it. */
  static StunAttribute roundTrip(StunAttribute a) throws StunParseException {
    byte[] wire =
        StunMessage.builder(StunMessage.BINDING_REQUEST, TRANSACTION_ID)
            .add(a)
            .messageIntegritySha256(new byte[32])
            .fingerprint()
            .encode();
    StunMessage m = StunCodec.decode(wire);
    StunAttribute decoded = m.attributes().get(0);
    assertThat(decoded).isEqualTo(a);
    return decoded;
  }

  /** An attribute of the given type with arbitrary value bytes, as a hostile peer might send. */
  static StunAttribute raw(int type, String hexValue) {
    return StunAttribute.of(type, hex(hexValue));
  }

  static void assertBadValue(ThrowingCallable read) {
    assertThatThrownBy(read)
        .isInstanceOfSatisfying(
            StunParseException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_VALUE));
  }

  @Nested
  class RoundTrips {

    @Test
    @DisplayName("Verifies that NAT-PROBE and NAT-BEHAVIOUR round-trip, the latter as 8 bytes in the documented layout")
    void natDiscovery() throws Exception {
      assertThat(StunAttributes.readNatProbe(roundTrip(StunAttributes.natProbe(22)))).isEqualTo(22);
      StunAttributes.NatBehaviour behaviour =
          new StunAttributes.NatBehaviour(StunAttributes.Mapping.ENDPOINT_DEPENDENT, 13, 15, 22);
      StunAttribute attribute = StunAttributes.natBehaviour(behaviour);
      assertThat(attribute.value()).containsExactly(2, 0, 0, 13, 0, 15, 0, 22);
      assertThat(StunAttributes.NatBehaviour.unpack(StunAttributes.readNatBehaviourPacked(roundTrip(attribute))))
          .isEqualTo(behaviour);
    }

    @Test
    @DisplayName("Verifies that MAPPED-ADDRESS round-trips for IPv4 and IPv6")
    void mappedAddress() throws Exception {
      // given / when / then
      assertThat(StunAttributes.readMappedAddress(roundTrip(StunAttributes.mappedAddress(V4))))
          .isEqualTo(V4);
      assertThat(StunAttributes.readMappedAddress(roundTrip(StunAttributes.mappedAddress(V6))))
          .isEqualTo(V6);
    }

    @Test
    @DisplayName("Verifies that XOR-MAPPED-ADDRESS round-trips for IPv4 and IPv6, including ports 0 and 65535")
    void xorMappedAddress() throws Exception {
      for (InetSocketAddress a :
          List.of(V4, V6, address(V4.getAddress().getAddress(), 0), address(V6.getAddress().getAddress(), 65535))) {
        // given
        StunAttribute attribute = StunAttributes.xorMappedAddress(a, TRANSACTION_ID);

        // when
        InetSocketAddress read =
            StunAttributes.readXorMappedAddress(roundTrip(attribute), TRANSACTION_ID);

        // then: equal, and the bytes on the wire are not the plain ones
        assertThat(read).isEqualTo(a);
        assertThat(attribute.value()).isNotEqualTo(StunAttributes.mappedAddress(a).value());
      }
    }

    @Test
    @DisplayName("Verifies that XOR-MAPPED-ADDRESS read with another transaction id gives another IPv6 address")
    void xorMappedAddressDependsOnTransactionIdForIpv6() throws Exception {
      // given
      StunAttribute attribute = StunAttributes.xorMappedAddress(V6, TRANSACTION_ID);

      // when
      InetSocketAddress read = StunAttributes.readXorMappedAddress(attribute, new byte[12]);

      // then
      assertThat(read).isNotEqualTo(V6);
    }

    @Test
    @DisplayName("Verifies that LOCAL-ENDPOINT round-trips for IPv4 and IPv6 and may repeat")
    void localEndpoint() throws Exception {
      // given
      InetSocketAddress lan = address(new byte[] {(byte) 192, (byte) 168, 1, 20}, 7400);
      byte[] wire =
          StunMessage.builder(StunMessage.BINDING_REQUEST, TRANSACTION_ID)
              .add(StunAttributes.localEndpoint(lan), StunAttributes.localEndpoint(V6))
              .encode();

      // when
      StunMessage m = StunCodec.decode(wire);

      // then
      List<StunAttribute> endpoints = m.attributes(StunAttributes.LOCAL_ENDPOINT);
      assertThat(endpoints).hasSize(2);
      assertThat(StunAttributes.readLocalEndpoint(endpoints.get(0))).isEqualTo(lan);
      assertThat(StunAttributes.readLocalEndpoint(endpoints.get(1))).isEqualTo(V6);
      assertThat(endpoints.get(0).value()).isEqualTo(StunAttributes.mappedAddress(lan).value());
    }

    @Test
    @DisplayName("Verifies that an IPv4-mapped IPv6 address stays IPv6 and re-encodes identically")
    void ipv4MappedIpv6StaysIpv6() throws Exception {
      // given an IPv6 family value holding ::ffff:198.18.0.7
      StunAttribute a = raw(StunAttributes.LOCAL_ENDPOINT,
          "00 02 1c e8 0000 0000 0000 0000 0000 ffff c612 0007");

      // when
      InetSocketAddress read = StunAttributes.readLocalEndpoint(a);

      // then
      assertThat(read.getAddress()).isInstanceOf(Inet6Address.class);
      assertThat(StunAttributes.localEndpoint(read)).isEqualTo(a);
    }

    @Test
    @DisplayName("Verifies that USERNAME round-trips ASCII and non-ASCII text up to 513 bytes")
    void username() throws Exception {
      for (String s : List.of("device-0042", "", "\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9 \uD83D\uDE80", "x".repeat(513))) {
        assertThat(StunAttributes.readUsername(roundTrip(StunAttributes.username(s)))).isEqualTo(s);
      }
    }

    @Test
    @DisplayName("Verifies that REALM, NONCE and SOFTWARE round-trip")
    void textAttributes() throws Exception {
      assertThat(StunAttributes.readRealm(roundTrip(StunAttributes.realm("homeport.example"))))
          .isEqualTo("homeport.example");
      assertThat(StunAttributes.readNonce(roundTrip(StunAttributes.nonce("obMatJos2AAACf//499k954d6OL34oL9FSTvy64sA"))))
          .isEqualTo("obMatJos2AAACf//499k954d6OL34oL9FSTvy64sA");
      assertThat(StunAttributes.readSoftware(roundTrip(StunAttributes.software("Homeport 0.1 \u00e9"))))
          .isEqualTo("Homeport 0.1 \u00e9");
      assertThat(StunAttributes.readSoftware(roundTrip(StunAttributes.software("s".repeat(763)))))
          .hasSize(763);
    }

    @Test
    @DisplayName("Verifies that ERROR-CODE round-trips code and reason, with the RFC 8489 layout")
    void errorCode() throws Exception {
      // given
      StunAttribute a = StunAttributes.errorCode(new ErrorCode(401, "Unauthorized"));

      // when / then
      assertThat(a.value()).startsWith(hex("00 00 04 01"));
      assertThat(StunAttributes.readErrorCode(roundTrip(a))).isEqualTo(new ErrorCode(401, "Unauthorized"));
      assertThat(StunAttributes.readErrorCode(roundTrip(StunAttributes.errorCode(new ErrorCode(699, "")))))
          .isEqualTo(new ErrorCode(699, ""));
      assertThat(StunAttributes.readErrorCode(roundTrip(StunAttributes.errorCode(new ErrorCode(300, "Try Alternate")))))
          .isEqualTo(new ErrorCode(300, "Try Alternate"));
    }

    @Test
    @DisplayName("Verifies that UNKNOWN-ATTRIBUTES round-trips, odd counts included")
    void unknownAttributes() throws Exception {
      assertThat(StunAttributes.readUnknownAttributes(roundTrip(StunAttributes.unknownAttributes(List.of(0x0024, 0x7FFF, 0x0003)))))
          .containsExactly(0x0024, 0x7FFF, 0x0003);
      assertThat(StunAttributes.readUnknownAttributes(roundTrip(StunAttributes.unknownAttributes(List.of()))))
          .isEmpty();
    }

    @Test
    @DisplayName("Verifies that SEQUENCE, ADDRESS-LIST-VERSION, SERVER-TIME and WAKE-ACK round-trip the full u64 range")
    void u64Attributes() throws Exception {
      for (long v : new long[] {0, 1, 1_700_000_000_000L, Long.MAX_VALUE, -1L /* 2^64-1 */}) {
        assertThat(StunAttributes.readSequence(roundTrip(StunAttributes.sequence(v)))).isEqualTo(v);
        assertThat(StunAttributes.readAddressListVersion(roundTrip(StunAttributes.addressListVersion(v)))).isEqualTo(v);
        assertThat(StunAttributes.readServerTime(roundTrip(StunAttributes.serverTime(v)))).isEqualTo(v);
        assertThat(StunAttributes.readWakeAck(roundTrip(StunAttributes.wakeAck(v)))).isEqualTo(v);
      }
      assertThat(StunAttributes.sequence(0x0102030405060708L).value()).isEqualTo(hex("0102030405060708"));
    }

    @Test
    @DisplayName("Verifies that SERVER-NONCE round-trips 1 to 64 opaque bytes")
    void serverNonce() throws Exception {
      for (int n : new int[] {1, 3, 16, 64}) {
        byte[] nonce = new byte[n];
        for (int i = 0; i < n; i++) {
          nonce[i] = (byte) (0xF0 + i);
        }
        assertThat(StunAttributes.readServerNonce(roundTrip(StunAttributes.serverNonce(nonce)))).isEqualTo(nonce);
      }
    }

    @Test
    @DisplayName("Verifies that KEEPALIVE-INTERVAL round-trips the full u32 range of seconds")
    void keepaliveInterval() throws Exception {
      for (long s : new long[] {0, 25, 0x7FFFFFFFL, 0xFFFFFFFFL}) {
        assertThat(StunAttributes.readKeepaliveInterval(roundTrip(StunAttributes.keepaliveInterval(s)))).isEqualTo(s);
      }
    }

    @Test
    @DisplayName("Verifies that PENDING round-trips every combination of flags on bits 0..2")
    void pending() throws Exception {
      for (int bits = 0; bits < 8; bits++) {
        // given
        EnumSet<Pending> flags = EnumSet.noneOf(Pending.class);
        for (Pending p : Pending.values()) {
          if ((bits & p.bit()) != 0) {
            flags.add(p);
          }
        }
        StunAttribute a = StunAttributes.pending(flags);

        // when / then
        assertThat(a.value()).isEqualTo(new byte[] {0, 0, 0, (byte) bits});
        assertThat(StunAttributes.readPending(roundTrip(a))).isEqualTo(flags);
      }
    }

    @Test
    @DisplayName("Verifies that PENDING ignores bits this version does not know")
    void pendingIgnoresUnknownBits() throws Exception {
      assertThat(StunAttributes.readPending(raw(StunAttributes.PENDING, "ffff fff9")))
          .containsExactly(Pending.COMMANDS);
    }

    @Test
    @DisplayName("Verifies that WAKE round-trips each reason, with and without an application-server id")
    void wake() throws Exception {
      for (WakeReason reason : WakeReason.values()) {
        for (String server : List.of("", "app-eu-1", "s\u00e9rvice", "a".repeat(255))) {
          Wake wake = new Wake(0x8000_0000_0000_0001L, reason, server);
          assertThat(StunAttributes.readWake(roundTrip(StunAttributes.wake(wake)))).isEqualTo(wake);
        }
      }
      assertThat(StunAttributes.wake(new Wake(1, WakeReason.ADDRESS_LIST, "x")).value())
          .isEqualTo(hex("0000000000000001 03 78"));
    }

    @Test
    @DisplayName("Verifies that a raw attribute of any type round-trips with zero padding")
    void rawAttribute() throws Exception {
      for (int n = 0; n <= 9; n++) {
        roundTrip(StunAttribute.of(0xC0FF, new byte[n]));
      }
    }
  }

  @Nested
  class MalformedValues {

    @Test
    @DisplayName("Verifies that NAT-PROBE delays outside 1..600 s and NAT-BEHAVIOUR values with an unknown mapping or a "
        + "non-zero reserved byte are rejected")
    void natDiscovery() {
      assertBadValue(() -> StunAttributes.readNatProbe(raw(StunAttributes.NAT_PROBE, "00000000")));
      assertBadValue(() -> StunAttributes.readNatProbe(raw(StunAttributes.NAT_PROBE, "00000259")));
      assertBadValue(() -> StunAttributes.readNatProbe(raw(StunAttributes.NAT_PROBE, "0001")));
      assertBadValue(() -> StunAttributes.readNatBehaviourPacked(raw(StunAttributes.NAT_BEHAVIOUR, "03 00 000d 000f 0016")));
      assertBadValue(() -> StunAttributes.readNatBehaviourPacked(raw(StunAttributes.NAT_BEHAVIOUR, "01 01 000d 000f 0016")));
      assertBadValue(() -> StunAttributes.readNatBehaviourPacked(raw(StunAttributes.NAT_BEHAVIOUR, "01 00 000d")));
    }

    @Test
    @DisplayName("Verifies that address readers reject unknown families and lengths that do not match the family")
    void addresses() {
      assertBadValue(() -> StunAttributes.readMappedAddress(raw(StunAttributes.MAPPED_ADDRESS, "")));
      assertBadValue(() -> StunAttributes.readMappedAddress(raw(StunAttributes.MAPPED_ADDRESS, "00 01 00")));
      assertBadValue(() -> StunAttributes.readMappedAddress(raw(StunAttributes.MAPPED_ADDRESS, "00 03 1234 01020304")));
      assertBadValue(() -> StunAttributes.readMappedAddress(raw(StunAttributes.MAPPED_ADDRESS, "00 01 1234 010203")));
      assertBadValue(() -> StunAttributes.readMappedAddress(raw(StunAttributes.MAPPED_ADDRESS, "00 01 1234 0102030405")));
      assertBadValue(() -> StunAttributes.readLocalEndpoint(raw(StunAttributes.LOCAL_ENDPOINT, "00 01 1234 " + "00".repeat(16))));
      assertBadValue(() -> StunAttributes.readLocalEndpoint(raw(StunAttributes.LOCAL_ENDPOINT, "00 02 1234 01020304")));
      assertBadValue(() -> StunAttributes.readXorMappedAddress(raw(StunAttributes.XOR_MAPPED_ADDRESS, "00 02 1234 " + "00".repeat(15)), TRANSACTION_ID));
      assertBadValue(() -> StunAttributes.readXorMappedAddress(raw(StunAttributes.XOR_MAPPED_ADDRESS, "00 00 1234 01020304"), TRANSACTION_ID));
    }

    @Test
    @DisplayName("Verifies that the reserved first byte of an address value is ignored")
    void addressReservedByteIgnored() throws Exception {
      assertThat(StunAttributes.readMappedAddress(raw(StunAttributes.MAPPED_ADDRESS, "ff 01 9cbb c6120007")))
          .isEqualTo(V4);
    }

    @Test
    @DisplayName("Verifies that text readers reject over-long values and malformed UTF-8 instead of replacing it")
    void text() {
      assertBadValue(() -> StunAttributes.readUsername(StunAttribute.of(StunAttributes.USERNAME, new byte[514])));
      assertBadValue(() -> StunAttributes.readRealm(StunAttribute.of(StunAttributes.REALM, new byte[764])));
      assertBadValue(() -> StunAttributes.readNonce(StunAttribute.of(StunAttributes.NONCE, new byte[764])));
      assertBadValue(() -> StunAttributes.readSoftware(StunAttribute.of(StunAttributes.SOFTWARE, new byte[764])));
      for (String bad : List.of("c3 28", "c0 80", "ed a0 80", "f8 88 80 80 80", "e3 83", "ff", "80")) {
        assertBadValue(() -> StunAttributes.readUsername(raw(StunAttributes.USERNAME, "61 " + bad)));
      }
    }

    @Test
    @DisplayName("Verifies that ERROR-CODE rejects short values, classes outside 3..6 and numbers above 99")
    void errorCode() {
      assertBadValue(() -> StunAttributes.readErrorCode(raw(StunAttributes.ERROR_CODE, "0000 04")));
      assertBadValue(() -> StunAttributes.readErrorCode(raw(StunAttributes.ERROR_CODE, "0000 0263")));
      assertBadValue(() -> StunAttributes.readErrorCode(raw(StunAttributes.ERROR_CODE, "0000 0700")));
      assertBadValue(() -> StunAttributes.readErrorCode(raw(StunAttributes.ERROR_CODE, "0000 0464")));
      assertBadValue(() -> StunAttributes.readErrorCode(raw(StunAttributes.ERROR_CODE, "0000 0401 c328")));
    }

    @Test
    @DisplayName("Verifies that fixed-size readers reject any other length")
    void fixedSizes() {
      assertBadValue(() -> StunAttributes.readSequence(raw(StunAttributes.SEQUENCE, "01020304")));
      assertBadValue(() -> StunAttributes.readAddressListVersion(raw(StunAttributes.ADDRESS_LIST_VERSION, "")));
      assertBadValue(() -> StunAttributes.readServerTime(raw(StunAttributes.SERVER_TIME, "00".repeat(9))));
      assertBadValue(() -> StunAttributes.readWakeAck(raw(StunAttributes.WAKE_ACK, "00".repeat(7))));
      assertBadValue(() -> StunAttributes.readKeepaliveInterval(raw(StunAttributes.KEEPALIVE_INTERVAL, "0000 0000 00")));
      assertBadValue(() -> StunAttributes.readPending(raw(StunAttributes.PENDING, "01")));
      assertBadValue(() -> StunAttributes.readUnknownAttributes(raw(StunAttributes.UNKNOWN_ATTRIBUTES, "0001 00")));
    }

    @Test
    @DisplayName("Verifies that SERVER-NONCE must be 1 to 64 bytes")
    void serverNonce() {
      assertBadValue(() -> StunAttributes.readServerNonce(raw(StunAttributes.SERVER_NONCE, "")));
      assertBadValue(() -> StunAttributes.readServerNonce(StunAttribute.of(StunAttributes.SERVER_NONCE, new byte[65])));
    }

    @Test
    @DisplayName("Verifies that WAKE rejects short values, unknown reasons and over-long server ids")
    void wake() {
      assertBadValue(() -> StunAttributes.readWake(raw(StunAttributes.WAKE, "0000000000000001")));
      assertBadValue(() -> StunAttributes.readWake(raw(StunAttributes.WAKE, "0000000000000001 00")));
      assertBadValue(() -> StunAttributes.readWake(raw(StunAttributes.WAKE, "0000000000000001 05 61")));
      assertBadValue(() -> StunAttributes.readWake(raw(StunAttributes.WAKE, "0000000000000001 01 " + "61".repeat(256))));
      assertBadValue(() -> StunAttributes.readWake(raw(StunAttributes.WAKE, "0000000000000001 01 c3")));
    }

    @Test
    @DisplayName("Verifies that reading an attribute as another type is a programming error, not a parse error")
    void wrongType() {
      StunAttribute sequence = StunAttributes.sequence(1);
      assertThatThrownBy(() -> StunAttributes.readWakeAck(sequence)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> StunAttributes.readUsername(sequence)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  class FactoryArguments {

    @Test
    @DisplayName("Verifies that factories reject values their attribute cannot carry")
    void rejected() throws Exception {
      assertThatThrownBy(() -> StunAttributes.username("x".repeat(514))).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> StunAttributes.username("\u00e9".repeat(257))).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> StunAttributes.username("lone \uD800 surrogate")).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> StunAttributes.software("s".repeat(764))).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> StunAttributes.serverNonce(new byte[0])).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> StunAttributes.serverNonce(new byte[65])).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> StunAttributes.keepaliveInterval(-1)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> StunAttributes.keepaliveInterval(1L << 32)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new ErrorCode(299, "")).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new ErrorCode(700, "")).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> StunAttributes.wake(new Wake(1, WakeReason.COMMAND, "a".repeat(256))))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> StunAttributes.unknownAttributes(List.of(0x10000))).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> StunAttributes.xorMappedAddress(V4, new byte[11])).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> StunAttributes.mappedAddress(InetSocketAddress.createUnresolved("example.org", 1)))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> StunAttribute.of(-1, new byte[0])).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> StunAttribute.of(0x10000, new byte[0])).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> StunAttribute.of(1, new byte[0x10000])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("Verifies that decoded addresses are built from bytes, never by name resolution")
    void addressesAreLiteral() throws Exception {
      InetSocketAddress read = StunAttributes.readMappedAddress(StunAttributes.mappedAddress(V4));
      assertThat(read.isUnresolved()).isFalse();
      assertThat(read.getAddress()).isInstanceOf(Inet4Address.class);
      assertThat(read.getHostString()).isEqualTo("198.18.0.7");
    }

    @Test
    @DisplayName("Verifies that the attribute type constants have their assigned values")
    void constants() {
      assertThat(List.of(StunAttributes.MAPPED_ADDRESS, StunAttributes.USERNAME, StunAttributes.MESSAGE_INTEGRITY,
              StunAttributes.ERROR_CODE, StunAttributes.UNKNOWN_ATTRIBUTES, StunAttributes.REALM, StunAttributes.NONCE,
              StunAttributes.MESSAGE_INTEGRITY_SHA256, StunAttributes.XOR_MAPPED_ADDRESS, StunAttributes.SOFTWARE,
              StunAttributes.FINGERPRINT))
          .containsExactly(0x0001, 0x0006, 0x0008, 0x0009, 0x000A, 0x0014, 0x0015, 0x001C, 0x0020, 0x8022, 0x8028);
      assertThat(List.of(StunAttributes.SEQUENCE, StunAttributes.SERVER_NONCE, StunAttributes.ADDRESS_LIST_VERSION,
              StunAttributes.LOCAL_ENDPOINT, StunAttributes.KEEPALIVE_INTERVAL, StunAttributes.PENDING,
              StunAttributes.SERVER_TIME, StunAttributes.WAKE, StunAttributes.WAKE_ACK))
          .containsExactly(0xC010, 0xC011, 0xC012, 0xC013, 0xC015, 0xC016, 0xC017, 0xC018, 0xC019);
      assertThat(Set.of(WakeReason.COMMAND.code(), WakeReason.SESSION.code(), WakeReason.ADDRESS_LIST.code()))
          .containsExactlyInAnyOrder(1, 2, 3);
    }
  }
}
