package io.homeport.stun;

import static io.homeport.stun.StunTestSupport.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homeport.stun.StunMessage.MessageClass;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Message types, accessors, immutability and the builder's own rules. */
class StunMessageTest {

  @Test
  @DisplayName("Verifies that the Binding type constants have the right method and class")
  void bindingTypes() {
    assertThat(StunMessage.BINDING_REQUEST).isEqualTo(0x0001);
    assertThat(StunMessage.BINDING_INDICATION).isEqualTo(0x0011);
    assertThat(StunMessage.BINDING_SUCCESS).isEqualTo(0x0101);
    assertThat(StunMessage.BINDING_ERROR).isEqualTo(0x0111);
    assertThat(StunMessage.messageClass(StunMessage.BINDING_REQUEST)).isEqualTo(MessageClass.REQUEST);
    assertThat(StunMessage.messageClass(StunMessage.BINDING_INDICATION)).isEqualTo(MessageClass.INDICATION);
    assertThat(StunMessage.messageClass(StunMessage.BINDING_SUCCESS)).isEqualTo(MessageClass.SUCCESS_RESPONSE);
    assertThat(StunMessage.messageClass(StunMessage.BINDING_ERROR)).isEqualTo(MessageClass.ERROR_RESPONSE);
    for (MessageClass c : MessageClass.values()) {
      assertThat(StunMessage.method(StunMessage.type(StunMessage.METHOD_BINDING, c))).isEqualTo(StunMessage.METHOD_BINDING);
    }
    assertThat(StunMessage.type(StunMessage.METHOD_BINDING, MessageClass.SUCCESS_RESPONSE))
        .isEqualTo(StunMessage.BINDING_SUCCESS);
  }

  @Test
  @DisplayName("Verifies that type(method, class) and method()/messageClass() are inverse over all 14-bit types")
  void typeBitsRoundTrip() {
    Set<Integer> seen = new HashSet<>();
    for (int method = 0; method <= 0xFFF; method++) {
      for (MessageClass c : MessageClass.values()) {
        int type = StunMessage.type(method, c);
        assertThat(type & ~0x3FFF).isZero();
        assertThat(StunMessage.method(type)).isEqualTo(method);
        assertThat(StunMessage.messageClass(type)).isEqualTo(c);
        seen.add(type);
      }
    }
    assertThat(seen).hasSize(0x4000);
    assertThatThrownBy(() -> StunMessage.type(0x1000, MessageClass.REQUEST)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("Verifies that accessors hand out copies and unmodifiable lists, so a message cannot be changed")
  void immutable() throws Exception {
    // given
    byte[] txid = hex("0102030405060708090a0b0c");
    byte[] value = hex("c0ffee");
    StunAttribute raw = StunAttribute.of(0xC0FE, value);
    value[0] = 0; // the caller's array is not the attribute's
    StunMessage m = StunCodec.decode(StunMessage.builder(StunMessage.BINDING_REQUEST, txid).add(raw).encode());
    txid[0] = 0x7F; // nor is the builder's transaction id

    // when: a caller scribbles on what it was given
    m.transactionId()[0] = 0x55;
    m.attributes().get(0).value()[0] = 0x55;

    // then
    assertThat(m.transactionId()).isEqualTo(hex("0102030405060708090a0b0c"));
    assertThat(m.attributes().get(0).value()).isEqualTo(hex("c0ffee"));
    assertThat(raw.value()).isEqualTo(hex("c0ffee"));
    assertThatThrownBy(() -> m.attributes().clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> m.attributes(0xC0FE).clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  @DisplayName("Verifies that attribute(type) finds the first occurrence and attributes(type) all of them")
  void lookups() throws Exception {
    // given
    StunMessage m = StunCodec.decode(StunMessage.builder(StunMessage.BINDING_REQUEST, new byte[12])
        .add(StunAttributes.sequence(1), StunAttributes.username("a"), StunAttributes.sequence(2))
        .encode());

    // when / then
    assertThat(StunAttributes.readSequence(m.attribute(StunAttributes.SEQUENCE).orElseThrow())).isEqualTo(1);
    assertThat(m.attributes(StunAttributes.SEQUENCE)).containsExactly(StunAttributes.sequence(1), StunAttributes.sequence(2));
    assertThat(m.attribute(StunAttributes.WAKE)).isEmpty();
    assertThat(m.attributes(StunAttributes.WAKE)).isEmpty();
    assertThat(m.encodedLength()).isEqualTo(20 + 12 + 8 + 12);
    assertThat(m.toString()).contains("0x0001", "0xC010", "0x0006");
  }

  @Test
  @DisplayName("Verifies that the builder refuses bad types, transaction ids, computed attributes and empty keys")
  void builderRules() {
    assertThatThrownBy(() -> StunMessage.builder(0x4001, new byte[12])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> StunMessage.builder(-1, new byte[12])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> StunMessage.builder(1, new byte[16])).isInstanceOf(IllegalArgumentException.class);
    StunMessage.Builder b = StunMessage.builder(StunMessage.BINDING_REQUEST, new byte[12]);
    for (int computed : new int[] {StunAttributes.MESSAGE_INTEGRITY, StunAttributes.MESSAGE_INTEGRITY_SHA256,
        StunAttributes.FINGERPRINT}) {
      assertThatThrownBy(() -> b.add(StunAttribute.of(computed, new byte[4])))
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> b.messageIntegritySha256(new byte[0])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.messageIntegrity(new byte[0])).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("Verifies that the builder refuses a message longer than the 16-bit length field allows")
  void tooLong() {
    StunMessage.Builder b = StunMessage.builder(StunMessage.BINDING_REQUEST, new byte[12])
        .add(StunAttribute.of(0xC0FF, new byte[0xFFFF - 4 - 3]));
    byte[] justFits = b.encode();
    assertThat(justFits.length).isEqualTo(20 + 0xFFFC);
    assertThatThrownBy(() -> b.fingerprint().encode()).isInstanceOf(IllegalStateException.class);
  }

  @Test
  @DisplayName("Verifies that the key given to the builder is copied, so a later change does not alter the HMAC")
  void keyCopied() throws Exception {
    byte[] key = new byte[32];
    StunMessage.Builder b = StunMessage.builder(StunMessage.BINDING_REQUEST, new byte[12]).messageIntegritySha256(key);
    key[0] = 1;
    assertThat(StunCodec.verifyIntegritySha256(StunCodec.decode(b.encode()), new byte[32])).isTrue();
  }

  @Test
  @DisplayName("Verifies that the encoded header carries type, cookie, transaction id and a length that matches")
  void header() {
    byte[] txid = StunMessage.randomTransactionId();
    byte[] wire = StunMessage.builder(StunMessage.BINDING_INDICATION, txid)
        .add(StunAttributes.username("abc")).fingerprint().encode();
    assertThat(Arrays.copyOfRange(wire, 0, 8)).isEqualTo(hex("0011 0010 2112a442"));
    assertThat(Arrays.copyOfRange(wire, 8, 20)).isEqualTo(txid);
    assertThat(Arrays.copyOfRange(wire, 20, 28)).isEqualTo(hex("0006 0003 616263 00"));
  }

  @Test
  @DisplayName("Verifies that random transaction ids are 12 bytes and differ")
  void randomTransactionIds() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      byte[] id = StunMessage.randomTransactionId();
      assertThat(id).hasSize(12);
      ids.add(Arrays.toString(id));
    }
    assertThat(ids).hasSize(1000);
  }

  @Test
  @DisplayName("Verifies that attributes compare by type and value and classify comprehension-required types")
  void attributeEquality() {
    assertThat(StunAttribute.of(1, hex("01"))).isEqualTo(StunAttribute.of(1, hex("01")))
        .hasSameHashCodeAs(StunAttribute.of(1, hex("01")))
        .isNotEqualTo(StunAttribute.of(2, hex("01")))
        .isNotEqualTo(StunAttribute.of(1, hex("02")));
    assertThat(StunAttribute.of(0x7FFF, new byte[0]).isComprehensionRequired()).isTrue();
    assertThat(StunAttribute.of(0x8000, new byte[0]).isComprehensionRequired()).isFalse();
    assertThat(StunAttribute.of(StunAttributes.USERNAME, hex("01")).toString()).isEqualTo("StunAttribute[type=0x0006, length=1]");
  }

  @Test
  @DisplayName("Verifies that a parse exception carries its reason and no stack trace")
  void parseException() {
    assertThatThrownBy(() -> StunCodec.decode(new byte[3]))
        .isInstanceOfSatisfying(StunParseException.class, e -> {
          assertThat(e.reason()).isEqualTo(StunParseException.Reason.TOO_SHORT);
          assertThat(e.getMessage()).startsWith("TOO_SHORT: ");
          assertThat(e.getStackTrace()).isEmpty();
        });
  }
}
