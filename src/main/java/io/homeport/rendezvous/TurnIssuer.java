package io.homeport.rendezvous;

import java.time.Instant;

/** Issues the TURN credentials of an offer (a port: the relay package implements it); null for none. */
@FunctionalInterface
public interface TurnIssuer {
  /** No TURN service configured. */
  TurnIssuer NONE = (sessionId, expiresAt, now) -> null;

  SessionNotice.TurnGrant issue(String sessionId, Instant expiresAt, Instant now);
}
