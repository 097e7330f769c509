package io.homeport.agent;

import io.homeport.command.CommandResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * The built-in handler, for tests and demos: answers {@code ok} with the action and params echoed
 * as data. Parameters steer it: {@code "delayMs": N} answers after N ms, {@code "fail": true}
 * answers {@code error} with code {@code requested-failure}, {@code "reject": true} answers
 * {@code rejected}.
 */
public final class EchoHandler implements CommandHandler {
  private final Vertx vertx;

  public EchoHandler(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public Future<CommandResult> handle(JsonObject command) {
    JsonObject params = command.getValue("params") instanceof JsonObject p ? p : new JsonObject();
    CommandResult result;
    if (params.getBoolean("fail", false)) {
      result = new CommandResult(CommandResult.Status.ERROR, "requested-failure", null);
    } else if (params.getBoolean("reject", false)) {
      result = new CommandResult(CommandResult.Status.REJECTED, "requested-rejection", null);
    } else {
      result = new CommandResult(CommandResult.Status.OK, null,
          new JsonObject().put("action", command.getString("action")).put("params", command.getValue("params")).encode());
    }
    long delay = params.getLong("delayMs", 0L);
    if (delay <= 0) {
      return Future.succeededFuture(result);
    }
    return Future.future(p -> vertx.setTimer(delay, id -> p.complete(result)));
  }
}
