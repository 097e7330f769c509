package io.homeport.echonet;

import static io.homeport.echonet.EchonetTestSupport.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.homeport.echonet.EchonetFrame.Property;
import io.homeport.echonet.EchonetParseException.Reason;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Decoding arbitrary bytes either yields a frame or throws EchonetParseException, nothing else. */
class EchonetHostileInputTest {

  static final List<byte[]> VALID = List.of(
      hex("10 81 00 01 05 FF 01 01 30 01 62 01 80 00"),
      hex("10 81 12 34 05 FF 01 01 30 01 61 03 80 01 30 B0 01 42 B3 01 1A"),
      hex("10 81 00 07 01 30 01 05 FF 01 7E 01 B3 00 02 B3 01 16 BB 01 18"),
      hex("10 81 00 05 01 30 01 05 FF 01 5E 01 B3 01 FF 02 B3 01 1A F1 00"),
      hex("10 81 00 09 0E F0 01 05 FF 01 72 01 D6 04 01 01 30 01"));

  static void assertRejected(ThrowingCallable decode, Reason reason) {
    assertThatThrownBy(decode)
        .isInstanceOfSatisfying(EchonetParseException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }

  @Test
  @DisplayName("Verifies that a frame truncated at every length is rejected as too short or as an OPC/PDC overrun")
  void everyTruncation() throws Exception {
    for (byte[] wire : VALID) {
      // given
      EchonetCodec.decode(wire); // the whole frame is fine
      for (int n = 0; n < wire.length; n++) {
        byte[] cut = Arrays.copyOf(wire, n);
        int length = n;
        // when / then
        assertThatThrownBy(() -> EchonetCodec.decode(cut))
            .isInstanceOfSatisfying(EchonetParseException.class, e -> {
              if (length < 12) {
                assertThat(e.reason()).isEqualTo(Reason.TOO_SHORT);
              } else {
                assertThat(e.reason()).isIn(Reason.OPC_OVERRUN, Reason.PDC_OVERRUN);
              }
              assertThat(e.getMessage()).startsWith(e.reason().name() + ": ");
            });
        assertThatThrownBy(() -> EchonetCodec.decode(wire, 0, length)).isInstanceOf(EchonetParseException.class);
      }
    }
  }

  @Test
  @DisplayName("Verifies that a wrong EHD1, or an EHD2 other than 0x81 (format 2 included), is rejected")
  void badHeaders() {
    // given
    byte[] wire = VALID.get(0);
    for (int ehd1 = 0; ehd1 < 256; ehd1++) {
      if (ehd1 == 0x10) {
        continue;
      }
      byte[] bad = wire.clone();
      bad[0] = (byte) ehd1;
      // when / then
      assertRejected(() -> EchonetCodec.decode(bad), Reason.BAD_EHD1);
    }
    for (int ehd2 = 0; ehd2 < 256; ehd2++) {
      if (ehd2 == 0x81) {
        continue;
      }
      byte[] bad = wire.clone();
      bad[1] = (byte) ehd2;
      assertRejected(() -> EchonetCodec.decode(bad), Reason.UNSUPPORTED_EHD2);
    }
    assertRejected(() -> EchonetCodec.decode(hex("10 82 00 01 00 04 01 02 03 04")), Reason.UNSUPPORTED_EHD2);
    assertRejected(() -> EchonetCodec.decode(new byte[0]), Reason.TOO_SHORT);
    assertRejected(() -> EchonetCodec.decode(hex("10")), Reason.TOO_SHORT);
  }

  @Test
  @DisplayName("Verifies that ESV codes the specification does not define are rejected")
  void unknownEsv() throws Exception {
    int accepted = 0;
    for (int code = 0; code < 256; code++) {
      // given
      byte[] wire = VALID.get(0).clone();
      wire[10] = (byte) code;
      // when / then
      if (Esv.fromCode(code).isPresent()) {
        if (!Esv.fromCode(code).get().isSetGetFamily()) {
          assertThat(EchonetCodec.decode(wire).esv().code()).isEqualTo(code);
        }
        accepted++;
      } else {
        assertRejected(() -> EchonetCodec.decode(wire), Reason.UNKNOWN_ESV);
      }
    }
    assertThat(accepted).isEqualTo(16);
  }

  @Test
  @DisplayName("Verifies that OPC and PDC overruns and trailing bytes are rejected with their reason")
  void overrunsAndTrailingBytes() {
    // given / when / then: OPC says 2, one property present
    assertRejected(() -> EchonetCodec.decode(hex("10 81 00 01 05 FF 01 01 30 01 62 02 80 00")), Reason.OPC_OVERRUN);
    // OPC 255 with only a few bytes: refused before allocating
    assertRejected(() -> EchonetCodec.decode(hex("10 81 00 01 05 FF 01 01 30 01 62 FF 80 00")), Reason.OPC_OVERRUN);
    // OPC 2, then a dangling EPC
    assertRejected(() -> EchonetCodec.decode(hex("10 81 00 01 05 FF 01 01 30 01 62 02 80 00 81 00 9F")),
        Reason.TRAILING_BYTES);
    assertRejected(() -> EchonetCodec.decode(hex("10 81 00 01 05 FF 01 01 30 01 61 02 80 01 30 B0")),
        Reason.OPC_OVERRUN);
    // PDC 2 with 1 byte left, PDC 255 with none
    assertRejected(() -> EchonetCodec.decode(hex("10 81 00 01 05 FF 01 01 30 01 61 01 80 02 30")), Reason.PDC_OVERRUN);
    assertRejected(() -> EchonetCodec.decode(hex("10 81 00 01 05 FF 01 01 30 01 61 01 80 FF")), Reason.PDC_OVERRUN);
    // SetGet without its OPCGet
    assertRejected(() -> EchonetCodec.decode(hex("10 81 00 01 05 FF 01 01 30 01 6E 01 B3 01 16")), Reason.OPC_OVERRUN);
    // trailing bytes after a complete frame
    assertRejected(() -> EchonetCodec.decode(hex("10 81 00 01 05 FF 01 01 30 01 62 01 80 00 00")),
        Reason.TRAILING_BYTES);
    assertRejected(() -> EchonetCodec.decode(hex("10 81 00 01 05 FF 01 01 30 01 62 00 00")), Reason.TRAILING_BYTES);
  }

  @Test
  @DisplayName("Verifies that input larger than the maximum frame size is rejected before parsing")
  void tooLarge() {
    // given: a valid header followed by more bytes than a frame may have
    byte[] wire = new byte[EchonetCodec.MAX_FRAME_BYTES + 1];
    System.arraycopy(VALID.get(0), 0, wire, 0, 12);

    // then
    assertRejected(() -> EchonetCodec.decode(wire), Reason.TOO_LARGE);
    assertRejected(() -> EchonetCodec.decode(new byte[1 << 20]), Reason.TOO_LARGE);
  }

  @Test
  @DisplayName("Verifies that random bytes, mutated frames and random lengths only ever raise EchonetParseException")
  void fuzz() {
    // given
    Random random = new Random(3610);
    EnumSet<Reason> seen = EnumSet.noneOf(Reason.class);
    int decoded = 0;
    for (int i = 0; i < 200_000; i++) {
      byte[] input;
      switch (i % 4) {
        case 0 -> {
          input = new byte[random.nextInt(40)];
          random.nextBytes(input);
        }
        case 1 -> { // random tail behind a valid header: exercises OPC/PDC parsing
          input = new byte[12 + random.nextInt(40)];
          random.nextBytes(input);
          input[0] = 0x10;
          input[1] = (byte) 0x81;
          input[10] = (byte) Esv.values()[random.nextInt(Esv.values().length)].code();
        }
        case 2 -> { // a valid frame with a few bytes flipped
          input = VALID.get(random.nextInt(VALID.size())).clone();
          for (int k = 1 + random.nextInt(3); k > 0; k--) {
            input[random.nextInt(input.length)] ^= (byte) (1 + random.nextInt(255));
          }
        }
        default -> { // a valid frame cut or extended
          byte[] base = VALID.get(random.nextInt(VALID.size()));
          input = Arrays.copyOf(base, Math.max(0, base.length + random.nextInt(9) - 4));
        }
      }
      // when
      try {
        EchonetFrame f = EchonetCodec.decode(input);
        decoded++;
        // then: whatever decodes re-encodes to the same bytes
        assertThat(EchonetCodec.encode(f)).isEqualTo(input);
      } catch (EchonetParseException e) {
        seen.add(e.reason());
        assertThat(e.getStackTrace()).isEmpty();
      } catch (RuntimeException | Error e) {
        fail("input " + EchonetTestSupport.hex(input) + " raised " + e, e);
      }
    }
    assertThat(decoded).isPositive();
    assertThat(seen).containsAll(EnumSet.complementOf(EnumSet.of(Reason.TOO_LARGE)));
  }

  @Test
  @DisplayName("Verifies that the decoder copies EDTs, so changing the input afterwards does not change the frame")
  void decodedFrameIsIndependentOfInput() throws Exception {
    // given
    byte[] wire = VALID.get(1).clone();
    EchonetFrame f = EchonetCodec.decode(wire);

    // when
    Arrays.fill(wire, (byte) 0);

    // then
    assertThat(f.property(0xB3)).contains(Property.ofByte(0xB3, 26));
  }
}
