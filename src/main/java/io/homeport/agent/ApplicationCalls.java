package io.homeport.agent;

import io.vertx.core.Future;

/** How the agent calls an application server after an application wake (DESIGN 4): the agent's port for it. */
@FunctionalInterface
public interface ApplicationCalls {

  /**
   * How a call went.
   *
   * @param reason for a failure, a short machine-readable reason ({@code tls-pin-mismatch}, ...); null on success
   * @param detail for a failure, what happened, for people
   */
  record Outcome(boolean succeeded, String reason, String detail) {
    public static Outcome success() {
      return new Outcome(true, null, null);
    }

    public static Outcome failure(String reason, String detail) {
      return new Outcome(false, reason, detail);
    }
  }

  /** Calls the server the entry describes, authenticating it by the entry (never by the device CA). */
  Future<Outcome> call(String applicationServerId, AddressBook.Entry entry);
}
