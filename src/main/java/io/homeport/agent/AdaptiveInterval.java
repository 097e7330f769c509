package io.homeport.agent;

import java.net.InetSocketAddress;

/**
 * The keepalive interval the agent uses (DESIGN 5.1): the server's suggestion (never above the
 * ceiling), shortened when the NAT shows that it forgets idle UDP mappings sooner, to 60% of the idle
 * time a mapping did not survive (never below the floor). Two signs show it:
 * <ul>
 *   <li>a lifetime probe that was not answered ({@link LifetimeSearch}, {@link #lifetimeBelow}); this
 *       works with every NAT, also one that hands an expired mapping's port out again (Linux
 *       masquerade), where the server sees the same address before and after;
 *   <li>a public address that changed across an idle gap ({@link #accepted}): the old mapping died
 *       during the gap. A change across a gap shorter than the floor (a router reboot, a new uplink)
 *       teaches nothing and is ignored.
 * </ul>
 * Plain Java; not thread-safe.
 */
public final class AdaptiveInterval {
  /** Share of the idle gap that killed a mapping that the next interval may use. */
  static final double SHARE_OF_FAILED_GAP = 0.6;

  private final int floorSeconds;
  private final int ceilingSeconds;
  private int learnedSeconds = Integer.MAX_VALUE;
  private int suggestedSeconds;
  private InetSocketAddress lastMapped;

  /**
   * @param floorSeconds the shortest interval it may choose
   * @param ceilingSeconds the longest interval it may use, whatever the server suggests
   * @param suggestedSeconds the server's suggestion until the first answer says otherwise
   */
  public AdaptiveInterval(int floorSeconds, int ceilingSeconds, int suggestedSeconds) {
    if (floorSeconds < 1) {
      throw new IllegalArgumentException("the floor must be at least 1 s: " + floorSeconds);
    }
    if (ceilingSeconds < floorSeconds) {
      throw new IllegalArgumentException("the ceiling (" + ceilingSeconds + " s) is below the floor (" + floorSeconds
          + " s)");
    }
    this.floorSeconds = floorSeconds;
    this.ceilingSeconds = ceilingSeconds;
    this.suggestedSeconds = Math.max(1, suggestedSeconds);
  }

  /** The interval to wait before the next keepalive: the server's suggestion, the ceiling or what the NAT allows, whichever is shortest. */
  public int seconds() {
    return Math.min(Math.min(suggestedSeconds, ceilingSeconds), learnedSeconds);
  }

  /** The longest interval worth knowing the NAT allows: the ceiling or the server's suggestion. */
  public int ceilingSeconds() {
    return Math.min(suggestedSeconds, ceilingSeconds);
  }

  /**
   * A lifetime probe showed that an idle mapping does not live {@code seconds}.
   *
   * @return true when the interval became shorter
   */
  public boolean lifetimeBelow(int seconds) {
    return learn(seconds * 1000L);
  }

  /** The mapping lifetime is known to be below this many seconds; 0 while nothing is known. */
  public int lifetimeBelowSeconds() {
    return learnedSeconds == Integer.MAX_VALUE ? 0 : (int) Math.ceil(learnedSeconds / SHARE_OF_FAILED_GAP);
  }

  /**
   * An accepted keepalive.
   *
   * @param mapped the public address the server saw
   * @param idleMillis how long the socket had been silent towards the server before that keepalive
   * @param suggestedSeconds the server's interval in the answer
   * @return true when the interval became shorter
   */
  public boolean accepted(InetSocketAddress mapped, long idleMillis, int suggestedSeconds) {
    this.suggestedSeconds = Math.max(1, suggestedSeconds);
    InetSocketAddress previous = lastMapped;
    lastMapped = mapped;
    if (previous == null || previous.equals(mapped) || idleMillis < floorSeconds * 1000L) {
      return false;
    }
    return learn(idleMillis);
  }

  /** A mapping did not survive {@code idleMillis}: the interval becomes a share of that, if shorter. */
  private boolean learn(long idleMillis) {
    int next = Math.max(floorSeconds, (int) (idleMillis / 1000 * SHARE_OF_FAILED_GAP));
    if (next >= seconds()) {
      return false;
    }
    learnedSeconds = next;
    return true;
  }
}
