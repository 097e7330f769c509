package io.homeport.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The peer channel's key derivation and anti-replay window. */
class HkdfAndReplayWindowTest {

  @Test
  @DisplayName("Verifies that HKDF-SHA256 gives the output of RFC 5869 test case 1")
  void rfc5869() {
    // given the inputs of RFC 5869 A.1
    byte[] ikm = new byte[22];
    Arrays.fill(ikm, (byte) 0x0b);
    byte[] salt = HexFormat.of().parseHex("000102030405060708090a0b0c");
    byte[] info = HexFormat.of().parseHex("f0f1f2f3f4f5f6f7f8f9");

    // when 42 bytes are derived, then they are the RFC's
    assertThat(HexFormat.of().formatHex(Hkdf.derive(salt, ikm, info, 42))).isEqualTo(
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
  }

  @Test
  @DisplayName("Verifies that the replay window accepts each counter once, in any order within the window, and nothing "
      + "older than the window")
  void replayWindow() {
    // given a window that has seen 0..9 and 2000
    ReplayWindow w = new ReplayWindow();
    for (int i = 0; i < 10; i++) {
      assertThat(w.mark(i)).isTrue();
    }
    assertThat(w.mark(2000)).isTrue();

    // then a repeat is refused, a late one inside the window accepted once, one below the window refused
    assertThat(w.mark(2000)).isFalse();
    assertThat(w.mark(1500)).isTrue();
    assertThat(w.mark(1500)).isFalse();
    assertThat(w.isFresh(2000 - ReplayWindow.SIZE)).isFalse();
    assertThat(w.mark(9)).isFalse();
    assertThat(w.mark(-1)).isFalse();
    // and a jump far ahead forgets the old bits without accepting old counters
    assertThat(w.mark(1_000_000)).isTrue();
    assertThat(w.mark(1_000_000 - 1)).isTrue();
    assertThat(w.mark(1_000_000 - 1)).isFalse();
  }
}
