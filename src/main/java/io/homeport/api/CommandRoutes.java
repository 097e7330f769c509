package io.homeport.api;

import io.homeport.http.Replies;
import io.homeport.auth.Scope;
import io.homeport.command.Command;
import io.homeport.command.CommandService;
import io.homeport.command.CommandState;
import io.homeport.device.DeviceGroups;
import io.homeport.event.CommandEvent;
import io.homeport.event.EventAddresses;
import io.homeport.event.LoggedEvent;
import io.homeport.http.CommandJson;
import io.homeport.http.JsonBodies;
import io.homeport.http.QueryParams;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * Commands of a device: creating one (optionally waiting for its outcome), listing, reading and cancelling.
 * Mount on the API verticle's context: the waiters live there.
 */
final class CommandRoutes {
  static final Duration MAX_WAIT = Duration.ofSeconds(60);

  private final CommandService commands;
  private final DeviceGroups groups;
  private final CommandWaiters waiters = new CommandWaiters();
  private Vertx vertx;

  CommandRoutes(CommandService commands, DeviceGroups groups) {
    this.commands = commands;
    this.groups = groups;
  }

  void mount(Router router, Vertx vertx, Authorize read, Authorize write) {
    this.vertx = vertx;
    router.post("/api/v1/devices/:id/commands").handler(write).handler(this::create);
    router.get("/api/v1/devices/:id/commands").handler(read).handler(this::list);
    router.get("/api/v1/commands/:id").handler(read).handler(this::get);
    router.delete("/api/v1/commands/:id").handler(write).handler(this::cancel);
    vertx.eventBus().<LoggedEvent>localConsumer(EventAddresses.EVENTS, this::releaseWaitersOfFinishedCommand);
  }

  /** The one reader of published events here: a command event with a final state ends the waits for it. */
  private void releaseWaitersOfFinishedCommand(Message<LoggedEvent> message) {
    if (message.body().event() instanceof CommandEvent e && e.isFinal()) {
      waiters.finished(e.commandId());
    }
  }

  /**
   * Stores a command. Without {@code ?wait}: 201 (200 for a repeated idempotency key). With it: holds
   * the request until the command is final (200) or the wait is over (202); both carry the command.
   */
  private void create(RoutingContext ctx) {
    Duration wait = QueryParams.of(ctx).duration("wait", MAX_WAIT);
    CommandService.NewCommand request = CommandRequests.parse(JsonBodies.object(ctx));
    commands.create(ctx.pathParam("id"), request).onComplete(created -> {
      if (created.failed()) {
        ctx.fail(created.cause());
        return;
      }
      Command c = created.result().command();
      ctx.response().putHeader("Location", "/api/v1/commands/" + c.id());
      if (wait.isZero()) {
        ctx.response().setStatusCode(created.result().created() ? 201 : 200);
        ctx.json(CommandJson.api(c));
      } else {
        awaitFinal(c.id(), wait).onComplete(done -> {
          if (done.failed()) {
            ctx.fail(done.cause());
          } else {
            ctx.response().setStatusCode(done.result().state().isFinal() ? 200 : 202);
            ctx.json(CommandJson.api(done.result()));
          }
        });
      }
    });
  }

  /** The command once it is final, or as it is when the wait is over. */
  private Future<Command> awaitFinal(String commandId, Duration wait) {
    Promise<Void> finished = Promise.promise();
    waiters.add(commandId, finished);
    long timer = vertx.setTimer(wait.toMillis(), id -> finished.tryComplete());
    // registered first, then read: a command that finished in between is seen by the read
    commands.get(commandId).onSuccess(c -> {
      if (c.state().isFinal()) {
        finished.tryComplete();
      }
    });
    return finished.future().compose(v -> {
      vertx.cancelTimer(timer);
      waiters.remove(commandId, finished);
      return commands.get(commandId);
    });
  }

  private void list(RoutingContext ctx) {
    QueryParams query = QueryParams.of(ctx);
    Page page = Page.of(query);
    Set<CommandState> states = EnumSet.noneOf(CommandState.class);
    for (String name : query.list("state")) {
      states.add(CommandState.fromWireName(name).orElseThrow(() -> QueryParams.invalid("state", "unknown state '"
          + name + "' (states: queued, woken, delivered, succeeded, failed, expired, timed-out, cancelled)")));
    }
    String deviceId = ctx.pathParam("id");
    if (!Scope.of(ctx.user(), groups).sees(deviceId)) {
      ctx.fail(Replies.notFound("device", deviceId));
      return;
    }
    commands.list(deviceId, states, page.offset(), page.limit()).onComplete(list -> {
      if (list.failed()) {
        ctx.fail(list.cause());
        return;
      }
      JsonArray items = new JsonArray();
      list.result().forEach(c -> items.add(CommandJson.api(c)));
      ctx.json(page.answer(items));
    });
  }

  private void get(RoutingContext ctx) {
    Scope scope = Scope.of(ctx.user(), groups);
    String id = ctx.pathParam("id");
    commands.get(id).compose(c -> scope.sees(c.deviceId()) ? Future.succeededFuture(c)
            : Future.<Command>failedFuture(Replies.notFound("command", id)))
        .onComplete(c -> Replies.json(ctx, c.map(CommandJson::api)));
  }

  private void cancel(RoutingContext ctx) {
    commands.cancel(ctx.pathParam("id")).onComplete(c -> Replies.json(ctx, c.map(CommandJson::api)));
  }
}
