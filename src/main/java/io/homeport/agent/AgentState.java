package io.homeport.agent;

/** The reference agent's view of its link to the server. */
public enum AgentState {
  /** Started, no keepalive accepted yet. */
  CONNECTING,
  /** The last keepalive was accepted. */
  ONLINE,
  /** Keepalives go unanswered; retrying with backoff. */
  UNANSWERED
}
