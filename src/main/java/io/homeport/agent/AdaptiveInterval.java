package io.homeport.agent;

import java.net.InetSocketAddress;

/**
 * The keepalive interval the agent uses (DESIGN 5.1): the server's suggestion, shortened when the NAT
 * shows that it forgets idle UDP mappings sooner. The sign is a public address that changed across an
 * idle gap: the old mapping died during the gap, so the mapping lifetime is shorter than the gap, and
 * the interval becomes 60% of it (never below the floor). A change across a gap shorter than the floor
 * (a router reboot, a new uplink) teaches nothing and is ignored. Plain Java; not thread-safe.
 *
 * <p>This sees NATs that give a new mapping a new port (random port allocation, symmetric NATs). A NAT
 * that hands the expired mapping's port out again looks the same from the server, and needs the
 * server-assisted lifetime probes of DESIGN 5.1 (not built yet).
 */
public final class AdaptiveInterval {
  /** Share of the idle gap that killed a mapping that the next interval may use. */
  static final double SHARE_OF_FAILED_GAP = 0.6;

  private final int floorSeconds;
  private int learnedSeconds = Integer.MAX_VALUE;
  private int suggestedSeconds;
  private InetSocketAddress lastMapped;

  /**
   * @param floorSeconds the shortest interval it may choose
   * @param suggestedSeconds the server's suggestion until the first answer says otherwise
   */
  public AdaptiveInterval(int floorSeconds, int suggestedSeconds) {
    if (floorSeconds < 1) {
      throw new IllegalArgumentException("the floor must be at least 1 s: " + floorSeconds);
    }
    this.floorSeconds = floorSeconds;
    this.suggestedSeconds = Math.max(1, suggestedSeconds);
  }

  /** The interval to wait before the next keepalive: the server's suggestion or what the NAT allows, whichever is shorter. */
  public int seconds() {
    return Math.min(suggestedSeconds, learnedSeconds);
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
    int next = Math.max(floorSeconds, (int) (idleMillis / 1000 * SHARE_OF_FAILED_GAP));
    if (next >= seconds()) {
      return false;
    }
    learnedSeconds = next;
    return true;
  }
}
