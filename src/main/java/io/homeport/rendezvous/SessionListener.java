package io.homeport.rendezvous;

/**
 * Hears every session transition once the session log holds it (the relay opens and closes its
 * allocations from here). Called from whatever thread completed the store write: implementations hand
 * the work to their own context and return at once.
 */
@FunctionalInterface
public interface SessionListener {
  /** @param previous the session before the transition; null for a session that is new */
  void changed(Session previous, Session current);
}
