package io.homeport.beacon;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Counts datagrams by outcome, and answers the beacon chose not to send. Thread-safe. */
public final class BeaconCounters {
  private final Map<KeepaliveOutcome, LongAdder> byOutcome = new EnumMap<>(KeepaliveOutcome.class);
  private final LongAdder suppressedResponses = new LongAdder();

  public BeaconCounters() {
    for (KeepaliveOutcome o : KeepaliveOutcome.values()) {
      byOutcome.put(o, new LongAdder());
    }
  }

  void count(KeepaliveOutcome outcome) {
    byOutcome.get(outcome).increment();
  }

  void countSuppressedResponse() {
    suppressedResponses.increment();
  }

  public long get(KeepaliveOutcome outcome) {
    return byOutcome.get(outcome).sum();
  }

  /** Datagrams seen: the sum over every outcome. */
  public long total() {
    long sum = 0;
    for (LongAdder a : byOutcome.values()) sum += a.sum();
    return sum;
  }

  /** Answers not sent because they would have been larger than the datagram that caused them. */
  public long suppressedResponses() {
    return suppressedResponses.sum();
  }

  /** A snapshot, outcome label to count. */
  public Map<String, Long> snapshot() {
    Map<String, Long> m = new java.util.LinkedHashMap<>();
    byOutcome.forEach((o, a) -> m.put(o.label(), a.sum()));
    return m;
  }
}
