package io.homeport.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The agent's keepalive interval against a NAT's mapping lifetime, without sockets. */
class AdaptiveIntervalTest {
  private static final InetSocketAddress FIRST = new InetSocketAddress("198.18.0.254", 40001);
  private static final InetSocketAddress SECOND = new InetSocketAddress("198.18.0.254", 40002);
  private static final InetSocketAddress THIRD = new InetSocketAddress("198.18.0.254", 40003);

  @Test
  @DisplayName("Verifies that a public address that changed across a 25 s idle gap (a NAT with a 20 s UDP timeout) "
      + "brings the interval to 15 s, which then holds while the address stays")
  void shortensBelowTheLifetime() {
    // given the server's 25 s suggestion
    AdaptiveInterval interval = new AdaptiveInterval(5, Integer.MAX_VALUE, 25);
    assertThat(interval.accepted(FIRST, 0, 25)).isFalse();

    // when the next keepalive, 25 s later, is seen from another port
    boolean shortened = interval.accepted(SECOND, 25_000, 25);

    // then the interval is 60% of the gap, and the lifetime is known to be below 25 s
    assertThat(shortened).isTrue();
    assertThat(interval.seconds()).isEqualTo(15);
    assertThat(interval.lifetimeBelowSeconds()).isEqualTo(25);
    // and keepalives 15 s apart that keep the address change nothing
    assertThat(interval.accepted(SECOND, 15_000, 25)).isFalse();
    assertThat(interval.seconds()).isEqualTo(15);
  }

  @Test
  @DisplayName("Verifies that the interval never drops below the floor, never rises above the server's suggestion, and "
      + "ignores an address change across a gap shorter than the floor")
  void floorCeilingAndNoise() {
    AdaptiveInterval interval = new AdaptiveInterval(5, Integer.MAX_VALUE, 25);
    interval.accepted(FIRST, 0, 25);
    // a change 1 s after the last keepalive (a router reboot, a wake acknowledgement) teaches nothing
    assertThat(interval.accepted(SECOND, 1_000, 25)).isFalse();
    assertThat(interval.seconds()).isEqualTo(25);
    // a NAT that forgets within 6 s: 60% would be 3 s, the floor keeps 5 s
    assertThat(interval.accepted(THIRD, 6_000, 25)).isTrue();
    assertThat(interval.seconds()).isEqualTo(5);
    // a server that now suggests less than what was learned is followed
    interval.accepted(THIRD, 5_000, 3);
    assertThat(interval.seconds()).isEqualTo(3);
  }

  @Test
  @DisplayName("Verifies that a lost lifetime probe of 22 s (a NAT that forgets after 20 s and gives the same port "
      + "again) brings the interval to 13 s, and that a longer lost probe changes nothing after that")
  void shortensForALostProbe() {
    // given the server's 25 s suggestion and a public address that never changes
    AdaptiveInterval interval = new AdaptiveInterval(5, Integer.MAX_VALUE, 25);
    interval.accepted(FIRST, 0, 25);
    assertThat(interval.accepted(FIRST, 25_000, 25)).isFalse();
    // when a probe after 22 s idle was lost
    assertThat(interval.lifetimeBelow(22)).isTrue();
    // then keepalives come every 13 s (60% of 22 s)
    assertThat(interval.seconds()).isEqualTo(13);
    // and a lost longer probe teaches nothing new
    assertThat(interval.lifetimeBelow(33)).isFalse();
    assertThat(interval.seconds()).isEqualTo(13);
  }

  @Test
  @DisplayName("Verifies that the ceiling caps the interval below the server's suggestion and bounds what is worth "
      + "probing, and that a ceiling below the floor is refused")
  void ceiling() {
    AdaptiveInterval interval = new AdaptiveInterval(5, 20, 25);
    interval.accepted(FIRST, 0, 25);
    assertThat(interval.seconds()).isEqualTo(20);
    assertThat(interval.ceilingSeconds()).isEqualTo(20);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new AdaptiveInterval(10, 5, 25))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("below the floor");
  }
}
