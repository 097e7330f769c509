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
    AdaptiveInterval interval = new AdaptiveInterval(5, 25);
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
    AdaptiveInterval interval = new AdaptiveInterval(5, 25);
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
}
