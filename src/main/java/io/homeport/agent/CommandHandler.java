package io.homeport.agent;

import io.homeport.command.CommandResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Runs one command on the device (for an appliance gateway: forwards it on the home LAN) and
 * reports the outcome. Called on the agent's event loop: implementations must not block it.
 */
@FunctionalInterface
public interface CommandHandler {

  /** @param command as delivered: {@code id}, {@code action}, {@code params}, {@code resultDeadline} */
  Future<CommandResult> handle(JsonObject command);
}
