package io.homeport.plugins.echonet;

import java.util.concurrent.atomic.AtomicInteger;

/** Transaction IDs 1, 2, ..., 65535, 1, ... (0 is skipped); thread-safe. */
final class TidSequence {
  static final int MAX = 0xFFFF;

  private final AtomicInteger next;

  TidSequence() {
    this(1);
  }

  /** A sequence starting at {@code first} (1..65535). */
  TidSequence(int first) {
    if (first < 1 || first > MAX) {
      throw new IllegalArgumentException("TID must be 1..65535: " + first);
    }
    this.next = new AtomicInteger(first);
  }

  int next() {
    return next.getAndUpdate(t -> t >= MAX ? 1 : t + 1);
  }
}
