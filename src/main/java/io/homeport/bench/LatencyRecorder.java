package io.homeport.bench;

import java.util.Arrays;

/**
 * Collects latencies (nanoseconds) and reports nearest-rank percentiles from a sorted copy. Exact,
 * and small enough for the tens of thousands of samples a bench run produces. Thread-safe.
 */
public final class LatencyRecorder {

  /** Percentiles in milliseconds; all zero when nothing was recorded. */
  public record Summary(int count, double p50Millis, double p90Millis, double p99Millis, double maxMillis) {
    @Override
    public String toString() {
      return String.format("n=%d p50=%.1fms p90=%.1fms p99=%.1fms max=%.1fms", count, p50Millis, p90Millis, p99Millis,
          maxMillis);
    }
  }

  private long[] samples = new long[1024];
  private int count;

  public synchronized void record(long nanos) {
    if (nanos < 0) {
      throw new IllegalArgumentException("negative latency: " + nanos);
    }
    if (count == samples.length) {
      samples = Arrays.copyOf(samples, samples.length * 2);
    }
    samples[count++] = nanos;
  }

  public synchronized int count() {
    return count;
  }

  public synchronized Summary summary() {
    if (count == 0) {
      return new Summary(0, 0, 0, 0, 0);
    }
    long[] sorted = Arrays.copyOf(samples, count);
    Arrays.sort(sorted);
    return new Summary(count, millis(percentile(sorted, 50)), millis(percentile(sorted, 90)),
        millis(percentile(sorted, 99)), millis(sorted[sorted.length - 1]));
  }

  /** Nearest rank: the smallest sample with at least {@code p} percent of the samples at or below it. */
  static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      throw new IllegalArgumentException("no samples");
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
  }

  private static double millis(long nanos) {
    return nanos / 1e6;
  }
}
