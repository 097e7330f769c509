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

  @Test
  @DisplayName("Verifies that sibling instances (one per intake thread) accept each other's nonces, and that a nonce "
      + "is current only in the epoch it was issued in")
  void siblingsAndCurrentEpoch() {
    // given two siblings, as two beacon sockets have
    NonceService first = new NonceService(EPOCH);
    NonceService second = first.sibling();
    long t = 7 * EPOCH + 5;
    // when one issues a nonce
    byte[] n = first.issue("dev-1", t);
    // then the other accepts it, for the same device only
    assertThat(second.isValid("dev-1", n, t)).isTrue();
    assertThat(second.isValid("dev-2", n, t)).isFalse();
    // and it is current in its epoch, still valid but no longer current in the next
    assertThat(second.isCurrent(n, t + EPOCH - 10)).isTrue();
    assertThat(second.isValid("dev-1", n, t + EPOCH)).isTrue();
    assertThat(second.isCurrent(n, t + EPOCH)).isFalse();
  }
}
