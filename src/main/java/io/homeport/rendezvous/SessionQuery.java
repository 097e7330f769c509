package io.homeport.rendezvous;

import java.util.Set;

/**
 * Which sessions of the log to list, newest request first.
 *
 * @param device only sessions this device is part of (requester or target); null for any
 * @param state only sessions in this state; null for any
 * @param visibleTo only sessions with at least one of these devices as requester or target; null for no limit
 *     (an integrator token limited to devices or groups)
 */
public record SessionQuery(String device, SessionState state, Set<String> visibleTo, int offset, int limit) {
  public SessionQuery {
    visibleTo = visibleTo == null ? null : Set.copyOf(visibleTo);
    if (offset < 0 || limit < 1) {
      throw new IllegalArgumentException("offset must be >= 0 and limit >= 1");
    }
  }
}
