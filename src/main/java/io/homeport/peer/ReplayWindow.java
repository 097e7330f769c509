package io.homeport.peer;

/**
 * A sliding anti-replay window over 64-bit counters (as in RFC 4303 / RFC 9147): a counter is
 * accepted once, and only if it is above the highest seen or within the last {@value #SIZE} below it.
 * Not thread-safe.
 */
public final class ReplayWindow {
  /** Counters below the highest seen that are still accepted (if not seen): reordering tolerated. */
  public static final int SIZE = 1024;
  private static final int WORDS = SIZE / 64;

  private final long[] seen = new long[WORDS];
  private long highest = -1;

  /** Whether {@code counter} would be accepted now; changes nothing (check before authenticating, mark after). */
  public boolean isFresh(long counter) {
    if (counter < 0) {
      return false;
    }
    if (counter > highest) {
      return true;
    }
    long age = highest - counter;
    return age < SIZE && !bit(counter);
  }

  /** Records an authenticated counter; false (and no change) when it is a replay or too old. */
  public boolean mark(long counter) {
    if (!isFresh(counter)) {
      return false;
    }
    if (counter > highest) {
      long shift = highest < 0 ? SIZE : counter - highest;
      if (shift >= SIZE) {
        java.util.Arrays.fill(seen, 0);
      } else {
        for (long c = highest + 1; c <= counter; c++) {
          clear(c);
        }
      }
      highest = counter;
    }
    set(counter);
    return true;
  }

  private boolean bit(long c) {
    int i = (int) (c % SIZE);
    return (seen[i >>> 6] & (1L << (i & 63))) != 0;
  }

  private void set(long c) {
    int i = (int) (c % SIZE);
    seen[i >>> 6] |= 1L << (i & 63);
  }

  private void clear(long c) {
    int i = (int) (c % SIZE);
    seen[i >>> 6] &= ~(1L << (i & 63));
  }
}
