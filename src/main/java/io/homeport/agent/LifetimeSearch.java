package io.homeport.agent;

/**
 * Which idle time to probe next when learning how long the NAT keeps an idle UDP mapping (DESIGN 5.1),
 * and what the answers so far mean. The beacon answers a probe only after the idle time it names; an
 * answer that arrives proves the mapping lived that long, one that does not (twice: once may be loss)
 * proves it did not. Times grow from a short first probe, which also leaves the probe socket's mapping
 * in the state a keepalive's is in (answered, older than two seconds: Linux conntrack keeps such a
 * "stream" longer than a fresh flow), up to the longest time worth knowing: beyond the interval the
 * agent would use anyway, nothing changes. Plain Java; not thread-safe.
 */
public final class LifetimeSearch {
  /** The first probe: short, so that the following ones measure an answered flow. */
  static final int FIRST_SECONDS = 3;
  /** The second probe; from there each is this much longer than the last that survived. */
  static final int SECOND_SECONDS = 10;
  static final double GROWTH = 1.5;

  private final int targetSeconds;
  private int next;
  private int atLeast;
  private int below;
  private boolean retrying;

  /**
   * @param ceilingSeconds the longest keepalive interval the agent would use: mappings that live long
   *     enough for it ({@link AdaptiveInterval#SHARE_OF_FAILED_GAP} of their lifetime) need no more probing
   */
  public LifetimeSearch(int ceilingSeconds) {
    this.targetSeconds = Math.max(SECOND_SECONDS, (int) Math.ceil(ceilingSeconds / AdaptiveInterval.SHARE_OF_FAILED_GAP));
    this.next = FIRST_SECONDS;
  }

  /** The idle time to probe next, in seconds; 0 when the search is over. */
  public int next() {
    return next;
  }

  /** The probe of {@code seconds} was answered: the mapping lives at least that long. */
  public void survived(int seconds) {
    atLeast = Math.max(atLeast, seconds);
    retrying = false;
    if (seconds >= targetSeconds) {
      next = 0;
    } else {
      next = Math.min(targetSeconds, Math.max(SECOND_SECONDS, (int) (seconds * GROWTH)));
    }
  }

  /** The probe of {@code seconds} was not answered in time: probed once more, then taken as the limit. */
  public void lost(int seconds) {
    if (!retrying) {
      retrying = true;
      return;
    }
    below = seconds;
    next = 0;
  }

  public boolean done() {
    return next == 0;
  }

  /** Seconds an idle mapping is known to live; 0 while none is known. */
  public int atLeastSeconds() {
    return atLeast;
  }

  /** Seconds an idle mapping is known not to live; 0 while unknown (or longer than worth probing). */
  public int belowSeconds() {
    return below;
  }
}
