package io.homeport.agent;

import io.vertx.core.Future;

/**
 * How the agent calls an application server after an application wake (DESIGN 4): the agent's port for
 * it, implemented by the reference {@link ApplicationCaller}.
 */
@FunctionalInterface
public interface ApplicationCalls {

  /** Calls the server the entry describes, authenticating it by the entry (never by the device CA); never fails. */
  Future<ApplicationCaller.Outcome> call(String applicationServerId, AddressBook.Entry entry);
}
