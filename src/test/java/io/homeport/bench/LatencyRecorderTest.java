package io.homeport.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LatencyRecorderTest {

  @Test
  @DisplayName("Verifies that percentiles are nearest-rank over all samples, in milliseconds, in any recording order")
  void nearestRank() {
    LatencyRecorder r = new LatencyRecorder();
    for (int i = 1000; i >= 1; i--) { // 1..1000 ms, recorded backwards, past the initial capacity
      r.record(i * 1_000_000L);
    }
    LatencyRecorder.Summary s = r.summary();
    assertThat(s.count()).isEqualTo(1000);
    assertThat(s.p50Millis()).isEqualTo(500.0);
    assertThat(s.p90Millis()).isEqualTo(900.0);
    assertThat(s.p99Millis()).isEqualTo(990.0);
    assertThat(s.maxMillis()).isEqualTo(1000.0);
  }

  @Test
  @DisplayName("Verifies that few samples give sensible percentiles and no samples give zeros")
  void edges() {
    assertThat(LatencyRecorder.percentile(new long[] {7}, 50)).isEqualTo(7);
    assertThat(LatencyRecorder.percentile(new long[] {1, 2, 3}, 99)).isEqualTo(3);
    assertThat(LatencyRecorder.percentile(new long[] {1, 2, 3}, 0)).isEqualTo(1);
    assertThat(new LatencyRecorder().summary()).isEqualTo(new LatencyRecorder.Summary(0, 0, 0, 0, 0));
    assertThatThrownBy(() -> new LatencyRecorder().record(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
