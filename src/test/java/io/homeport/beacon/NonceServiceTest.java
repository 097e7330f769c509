package io.homeport.beacon;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class NonceServiceTest {
  private static final long EPOCH = 60_000;

  @Test
  @DisplayName("Verifies that a nonce is valid for its device in its epoch and the next, and never after")
  void lifetime() {
    NonceService nonces = new NonceService(EPOCH);
    long t = 1_000 * EPOCH + 10;
    byte[] n = nonces.issue("dev-1", t);
    assertThat(n).hasSize(NonceService.LENGTH);
    assertThat(nonces.isValid("dev-1", n, t)).isTrue();
    assertThat(nonces.isValid("dev-1", n, t + EPOCH)).isTrue();
    assertThat(nonces.isValid("dev-1", n, t + 2 * EPOCH)).isFalse();
    assertThat(nonces.isValid("dev-1", n, t - EPOCH)).isFalse();
  }

  @Test
  @DisplayName("Verifies that a nonce is bound to its device, to its process's secret, and to every byte")
  void binding() {
    NonceService nonces = new NonceService(EPOCH);
    long t = 5 * EPOCH;
    byte[] n = nonces.issue("dev-1", t);
    assertThat(nonces.isValid("dev-2", n, t)).isFalse();
    assertThat(new NonceService(EPOCH).isValid("dev-1", n, t)).as("another process (a restart)").isFalse();
    for (int i = 0; i < n.length; i++) {
      byte[] flipped = n.clone();
      flipped[i] ^= 1;
      assertThat(nonces.isValid("dev-1", flipped, t)).isFalse();
    }
    assertThat(nonces.isValid("dev-1", null, t)).isFalse();
    assertThat(nonces.isValid("dev-1", new byte[3], t)).isFalse();
  }
}
