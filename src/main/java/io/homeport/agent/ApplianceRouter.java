package io.homeport.agent;

import io.homeport.command.CommandResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * The agent's command handler: commands that carry a payload for an appliance go to the forwarder
 * for their content type; the others to the fallback handler (the device's own commands).
 */
public final class ApplianceRouter implements CommandHandler {
  private final Map<String, CommandHandler> forwarders;
  private final CommandHandler fallback;

  public ApplianceRouter(Map<String, CommandHandler> forwarders, CommandHandler fallback) {
    this.forwarders = Map.copyOf(forwarders);
    this.fallback = fallback;
  }

  @Override
  public Future<CommandResult> handle(JsonObject command) {
    String type = command.getString("contentType");
    if (command.getString("payload") == null || type == null) {
      return fallback.handle(command);
    }
    CommandHandler forwarder = forwarders.get(type);
    if (forwarder == null) {
      return Future.succeededFuture(new CommandResult(CommandResult.Status.REJECTED, "unsupported-content-type",
          new JsonObject().put("error", "this device cannot forward " + type).encode()));
    }
    return forwarder.handle(command);
  }
}
