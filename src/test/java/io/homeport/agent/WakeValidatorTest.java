package io.homeport.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.stun.StunAttributes;
import io.homeport.wake.WakeMessages;
import java.net.InetSocketAddress;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class WakeValidatorTest {
  private static final byte[] KEY = filled((byte) 3);
  private static final InetSocketAddress SERVER = new InetSocketAddress("198.18.0.1", 7400);
  private static final long SERVER_NOW = 1_800_000_000_000L;
  private static final long LOCAL_NOW = 1_799_999_990_000L; // the device's clock is 10 s behind

  private final WakeValidator validator = new WakeValidator("dev-1", KEY, SERVER);

  WakeValidatorTest() {
    validator.serverTime(SERVER_NOW, LOCAL_NOW);
  }

  private static byte[] filled(byte b) {
    byte[] a = new byte[32];
    Arrays.fill(a, b);
    return a;
  }

  private static byte[] wake(String device, byte[] key, long id, long serverTime) {
    return WakeMessages.encode(device, key, id, StunAttributes.WakeReason.COMMAND, "", serverTime);
  }

  @Test
  @DisplayName("Verifies that a genuine wake from the server is valid once, and its retransmission is not acted on again")
  void genuine() {
    byte[] w = wake("dev-1", KEY, 77, SERVER_NOW + 1000);
    assertThat(WakeValidator.looksLikeWake(w)).isTrue();
    assertThat(validator.validate(w, SERVER, LOCAL_NOW + 1000))
        .isEqualTo(new WakeValidator.Valid(77, StunAttributes.WakeReason.COMMAND, ""));
    assertThat(validator.validate(wake("dev-1", KEY, 77, SERVER_NOW + 1500), SERVER, LOCAL_NOW + 1500))
        .isEqualTo(new WakeValidator.Duplicate(77));
  }

  @Test
  @DisplayName("Verifies that forged wakes are refused: wrong key, wrong source, stale time, another device, tampering")
  void forged() {
    assertInvalid(validator.validate(wake("dev-1", filled((byte) 4), 1, SERVER_NOW), SERVER, LOCAL_NOW), "integrity");
    assertInvalid(validator.validate(wake("dev-1", KEY, 2, SERVER_NOW), new InetSocketAddress("198.18.0.66", 7400), LOCAL_NOW),
        "not from the server");
    assertInvalid(validator.validate(wake("dev-1", KEY, 3, SERVER_NOW), new InetSocketAddress("198.18.0.1", 7401), LOCAL_NOW),
        "not from the server");
    assertInvalid(validator.validate(wake("dev-1", KEY, 4, SERVER_NOW - 31_000), SERVER, LOCAL_NOW), "stale");
    assertInvalid(validator.validate(wake("dev-1", KEY, 5, SERVER_NOW + 31_000), SERVER, LOCAL_NOW), "stale");
    assertInvalid(validator.validate(wake("dev-2", KEY, 6, SERVER_NOW), SERVER, LOCAL_NOW), "another device");
    byte[] tampered = wake("dev-1", KEY, 7, SERVER_NOW);
    tampered[30] ^= 1;
    assertThat(validator.validate(tampered, SERVER, LOCAL_NOW)).isInstanceOf(WakeValidator.Invalid.class);
    assertInvalid(validator.validate(new byte[] {0, 0x11, 0, 0}, SERVER, LOCAL_NOW), "malformed");
    // none of the forgeries burned the wake ids: the genuine wake 1 is still accepted
    assertThat(validator.validate(wake("dev-1", KEY, 1, SERVER_NOW), SERVER, LOCAL_NOW)).isInstanceOf(WakeValidator.Valid.class);
  }

  @Test
  @DisplayName("Verifies that before the first keepalive answer no wake is trusted, since the server time is unknown")
  void noServerTimeYet() {
    WakeValidator fresh = new WakeValidator("dev-1", KEY, SERVER);
    assertInvalid(fresh.validate(wake("dev-1", KEY, 9, SERVER_NOW), SERVER, LOCAL_NOW), "server time is unknown");
  }

  private static void assertInvalid(WakeValidator.Verdict v, String reason) {
    assertThat(v).isInstanceOfSatisfying(WakeValidator.Invalid.class, i -> assertThat(i.reason()).contains(reason));
  }
}
