package io.homeport.api;

import io.homeport.refusal.Refusal;
import io.homeport.auth.ApiTokens;
import io.homeport.auth.Role;
import io.homeport.auth.Scope;
import io.homeport.auth.TokenService;
import io.homeport.beacon.BeaconCounters;
import io.homeport.presence.PresenceDirectory;
import io.homeport.command.Command;
import io.homeport.command.CommandService;
import io.homeport.command.CommandState;
import io.homeport.config.Endpoint;
import io.homeport.device.Device;
import io.homeport.device.DeviceService;
import io.homeport.device.DeviceService.WithToken;
import io.homeport.event.CommandEvent;
import io.homeport.event.EventAddresses;
import io.homeport.event.LoggedEvent;
import io.homeport.http.CommandJson;
import io.homeport.http.JsonBodies;
import io.homeport.http.RejectRevokedTokens;
import io.homeport.plugin.PluginService;
import io.homeport.http.Problems;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The operator / integrator HTTP API (DESIGN.md 2.3): {@code /health} and {@code /api/v1}. */
public final class ApiVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ApiVerticle.class);
  static final int BODY_LIMIT = 64 * 1024;
  static final int METADATA_LIMIT = 8 * 1024;
  private static final Set<String> CREATE_FIELDS = Set.of("id", "name", "vendor", "metadata", "groups");

  private final Endpoint endpoint;
  private final ApiTokens tokens;
  private final DeviceService devices;
  private final PresenceDirectory presence;
  private final BeaconCounters beaconCounters;
  private final CommandService commands;
  private final PluginService plugins;
  private final CommandWaiters waiters = new CommandWaiters();
  private final TokenRoutes tokenRoutes;
  private final TokenService tokenService;
  private volatile EventStreamRoutes eventStream;
  private HttpServer server;
  private Router router;
  private Consumer<Router> extraRoutes = router -> {};

  public ApiVerticle(Endpoint endpoint, ApiTokens tokens, DeviceService devices, PresenceDirectory presence,
      BeaconCounters beaconCounters, CommandService commands, PluginService plugins, TokenService tokenService) {
    this.tokenRoutes = new TokenRoutes(tokenService);
    this.tokenService = tokenService;
    this.commands = commands;
    this.plugins = plugins;
    this.endpoint = endpoint;
    this.tokens = tokens;
    this.devices = devices;
    this.presence = presence;
    this.beaconCounters = beaconCounters;
  }

  @Override
  public Future<?> start() {
    router = Router.router(vertx);
    router.route().failureHandler(Problems::handleFailure);
    router.get("/health").handler(ctx -> ctx.json(new JsonObject().put("status", "up")));
    extraRoutes.accept(router);
    // WebSocket GET /api/v1/events, authenticates by itself
    eventStream = EventStreamRoutes.mount(router, vertx, tokens, tokenService::isRevoked, devices.groups());

    router.route("/api/v1/*").handler(tokens.authenticationHandler());
    router.route("/api/v1/*").handler(new RejectRevokedTokens(tokenService::isRevoked));
    router.route("/api/v1/*").handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT));
    Authorize read = Authorize.roles(Role.ADMIN, Role.OPERATOR, Role.INTEGRATOR);
    Authorize write = Authorize.roles(Role.ADMIN, Role.OPERATOR);
    tokenRoutes.mount(router, read);
    router.get(OpenApiRoute.PATH).handler(read).handler(OpenApiRoute::serve);

    router.post("/api/v1/devices").handler(write).handler(this::createDevice);
    router.get("/api/v1/devices").handler(read).handler(this::listDevices);
    router.get("/api/v1/devices/:id").handler(read).handler(this::getDevice);
    router.delete("/api/v1/devices/:id").handler(write).handler(this::deleteDevice);
    router.put("/api/v1/devices/:id/groups").handler(write).handler(this::replaceGroups);
    router.post("/api/v1/devices/:id/revoke").handler(write).handler(this::revokeDevice);
    router.post("/api/v1/devices/:id/enrollment-tokens").handler(write).handler(this::newEnrollmentToken);
    router.get("/api/v1/beacon/counters").handler(read).handler(this::beaconCounters);
    router.get("/api/v1/plugins").handler(read).handler(this::listPlugins);
    router.post("/api/v1/plugins/reload").handler(Authorize.roles(Role.ADMIN)).handler(this::reloadPlugins);
    router.post("/api/v1/devices/:id/commands").handler(write).handler(this::createCommand);
    router.get("/api/v1/devices/:id/commands").handler(read).handler(this::listCommands);
    router.get("/api/v1/commands/:id").handler(read).handler(this::getCommand);
    router.delete("/api/v1/commands/:id").handler(write).handler(this::cancelCommand);
    vertx.eventBus().<LoggedEvent>consumer(EventAddresses.EVENTS, msg -> {
      if (msg.body().event() instanceof CommandEvent e && e.isFinal()) {
        waiters.finished(e.commandId());
      }
    });
    router.route().last().handler(Problems::notFound);

    return vertx.createHttpServer()
        .requestHandler(router)
        .listen(endpoint.port(), endpoint.bind())
        .onSuccess(s -> {
          server = s;
          LOG.info("API listening on http://{}:{}", endpoint.bind(), s.actualPort());
        });
  }

  /** The router's routes, for the check that the OpenAPI document lists exactly what is served. */
  java.util.List<io.vertx.ext.web.Route> routes() {
    return router.getRoutes();
  }

  /** Routes served on this listener but owned elsewhere, such as {@code /metrics}; set before deployment. */
  public ApiVerticle extraRoutes(Consumer<Router> routes) {
    this.extraRoutes = routes;
    return this;
  }

  /** Event-stream subscribers connected now (for the metrics gauge; 0 before start). */
  public int eventStreamSubscribers() {
    EventStreamRoutes s = eventStream;
    return s == null ? 0 : s.subscribers();
  }

  /** The bound port (useful when configured as 0). */
  public int actualPort() {
    return server.actualPort();
  }

  private void createDevice(RoutingContext ctx) {
    JsonObject body = JsonBodies.object(ctx);
    JsonBodies.onlyFields(body, CREATE_FIELDS);
    Object metadata = body.getValue("metadata");
    if (metadata != null && !(metadata instanceof JsonObject)) {
      throw JsonBodies.invalid("metadata", "'metadata' must be a JSON object");
    }
    String metadataJson = metadata == null ? null : ((JsonObject) metadata).encode();
    if (metadataJson != null && metadataJson.length() > METADATA_LIMIT) {
      throw JsonBodies.invalid("metadata", "'metadata' exceeds " + METADATA_LIMIT + " bytes");
    }
    String vendor = JsonBodies.optionalString(body, "vendor");
    if (vendor != null && (vendor.isBlank() || vendor.length() > 128)) {
      throw JsonBodies.invalid("vendor", "'vendor' must be 1-128 characters");
    }
    java.util.List<String> groups = body.containsKey("groups") ? groupsField(body) : null;
    DeviceService.NewDevice request = new DeviceService.NewDevice(JsonBodies.optionalString(body, "id"),
        JsonBodies.optionalString(body, "name"), vendor, metadataJson, groups == null ? null : Set.copyOf(groups));
    devices.create(request).onComplete(created -> {
      if (created.failed()) {
        ctx.fail(created.cause());
        return;
      }
      WithToken w = created.result();
      ctx.response().setStatusCode(201).putHeader("Location", "/api/v1/devices/" + w.device().id());
      ctx.json(deviceJson(w.device()).put("enrollment", tokenJson(w)));
    });
  }

  /** The {@code groups} field: a list of group names (checked by the service), possibly empty. */
  private static java.util.List<String> groupsField(JsonObject body) {
    Object g = body.getValue("groups");
    if (!(g instanceof JsonArray list) || list.stream().anyMatch(v -> !(v instanceof String))) {
      throw JsonBodies.invalid("groups", "'groups' must be a list of group names");
    }
    java.util.List<String> names = new java.util.ArrayList<>();
    list.forEach(v -> names.add((String) v));
    if (new java.util.HashSet<>(names).size() != names.size()) {
      throw JsonBodies.invalid("groups", "'groups' names a group twice");
    }
    return names;
  }

  private void replaceGroups(RoutingContext ctx) {
    JsonObject body = JsonBodies.object(ctx);
    JsonBodies.onlyFields(body, Set.of("groups"));
    if (!body.containsKey("groups")) {
      throw JsonBodies.invalid("groups", "'groups' is required (an empty list removes every group)");
    }
    java.util.List<String> groups = groupsField(body);
    devices.replaceGroups(ctx.pathParam("id"), Set.copyOf(groups))
        .onComplete(d -> respond(ctx, d.map(this::deviceJson)));
  }

  private Scope scope(RoutingContext ctx) {
    return Scope.of(ctx.user(), devices.groups());
  }

  private void listDevices(RoutingContext ctx) {
    int offset = intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
    int limit = intParam(ctx, "limit", 100, 1, 1000);
    Scope scope = scope(ctx);
    Future<java.util.List<Device>> page = !scope.limited() ? devices.list(offset, limit)
        : scope.groups() == null ? scopedPage(scope, offset, limit) : filteredPage(scope, offset, limit);
    page.onComplete(list -> {
      if (list.failed()) {
        ctx.fail(list.cause());
        return;
      }
      JsonArray items = new JsonArray();
      list.result().forEach(d -> items.add(deviceJson(d)));
      ctx.json(new JsonObject().put("items", items).put("offset", offset).put("limit", limit));
    });
  }

  /** The devices a device-limited token may see, in the list's order (oldest first), paged. */
  private Future<java.util.List<Device>> scopedPage(Scope scope, int offset, int limit) {
    java.util.List<Future<Device>> lookups = scope.devices().stream()
        .map(id -> devices.get(id).otherwiseEmpty()).toList();
    return Future.join(lookups).transform(ignored -> Future.succeededFuture(lookups.stream()
        .map(f -> f.succeeded() ? f.result() : null).filter(java.util.Objects::nonNull)
        .sorted(java.util.Comparator.comparing(Device::createdAt).thenComparing(Device::id))
        .skip(offset).limit(limit).toList()));
  }

  /**
   * The devices a group-limited token may see, in the list's order, paged: the full list is read in
   * pages and filtered by the scope (group membership can change at any time, so there is no fixed id set).
   */
  private Future<java.util.List<Device>> filteredPage(Scope scope, int offset, int limit) {
    java.util.List<Device> visible = new java.util.ArrayList<>();
    return collectVisible(scope, 0, offset + limit, visible)
        .map(v -> visible.stream().skip(offset).limit(limit).toList());
  }

  private Future<Void> collectVisible(Scope scope, int from, int wanted, java.util.List<Device> visible) {
    int page = 500;
    return devices.list(from, page).compose(list -> {
      for (Device d : list) {
        if (scope.sees(d.id()) && visible.size() < wanted) {
          visible.add(d);
        }
      }
      return list.size() < page || visible.size() >= wanted ? Future.<Void>succeededFuture()
          : collectVisible(scope, from + page, wanted, visible);
    });
  }

  private void getDevice(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!scope(ctx).sees(id)) {
      ctx.fail(notFound("device", id));
      return;
    }
    devices.get(id).compose(d -> devices.appliances(id).map(hosted -> {
      JsonArray appliances = new JsonArray();
      hosted.forEach(a -> appliances.add(new JsonObject().put("plugin", a.plugin()).put("type", a.type())
          .put("address", a.address())));
      return deviceJson(d).put("appliances", appliances);
    })).onComplete(json -> respond(ctx, json));
  }

  private void deleteDevice(RoutingContext ctx) {
    devices.delete(ctx.pathParam("id")).onComplete(d -> {
      if (d.failed()) {
        ctx.fail(d.cause());
      } else {
        ctx.response().setStatusCode(204).end();
      }
    });
  }

  private void revokeDevice(RoutingContext ctx) {
    devices.revoke(ctx.pathParam("id")).onComplete(d -> respond(ctx, d.map(this::deviceJson)));
  }

  private void newEnrollmentToken(RoutingContext ctx) {
    devices.issueEnrollmentToken(ctx.pathParam("id")).onComplete(w -> {
      if (w.failed()) {
        ctx.fail(w.cause());
      } else {
        ctx.response().setStatusCode(201);
        ctx.json(tokenJson(w.result()));
      }
    });
  }

  private void beaconCounters(RoutingContext ctx) {
    ctx.json(new JsonObject()
        .put("datagrams", beaconCounters.total())
        .put("outcomes", new JsonObject(new java.util.LinkedHashMap<>(beaconCounters.snapshot())))
        .put("suppressedResponses", beaconCounters.suppressedResponses())
        .put("online", presence.onlineCount()));
  }

  /**
   * Stores a command. Without {@code ?wait}: 201 (200 for a repeated idempotency key). With it: holds
   * the request until the command is final (200) or the wait is over (202); both carry the command.
   */
  private void createCommand(RoutingContext ctx) {
    Duration wait = CommandRequests.waitParam(ctx.queryParams().get("wait"));
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

  private void listPlugins(RoutingContext ctx) {
    ctx.json(PluginJson.of(plugins.registry().current(), pluginDirectory()));
  }

  private void reloadPlugins(RoutingContext ctx) {
    plugins.reload().onComplete(set -> {
      if (set.failed()) {
        ctx.fail(set.cause());
      } else {
        ctx.json(PluginJson.of(set.result(), pluginDirectory()));
      }
    });
  }

  private String pluginDirectory() {
    return plugins.registry().directory().toAbsolutePath().normalize().toString();
  }

  private void listCommands(RoutingContext ctx) {
    int offset = intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
    int limit = intParam(ctx, "limit", 100, 1, 1000);
    Set<CommandState> states = java.util.EnumSet.noneOf(CommandState.class);
    for (String value : ctx.queryParam("state")) {
      for (String name : value.split(",")) {
        states.add(CommandState.fromWireName(name.trim()).orElseThrow(() -> JsonBodies.invalid("state",
            "unknown state '" + name.trim() + "' (states: queued, woken, delivered, succeeded, failed, expired, timed-out, cancelled)")));
      }
    }
    if (!scope(ctx).sees(ctx.pathParam("id"))) {
      ctx.fail(notFound("device", ctx.pathParam("id")));
      return;
    }
    commands.list(ctx.pathParam("id"), states, offset, limit).onComplete(list -> {
      if (list.failed()) {
        ctx.fail(list.cause());
        return;
      }
      JsonArray items = new JsonArray();
      list.result().forEach(c -> items.add(CommandJson.api(c)));
      ctx.json(new JsonObject().put("items", items).put("offset", offset).put("limit", limit));
    });
  }

  private void getCommand(RoutingContext ctx) {
    Scope scope = scope(ctx);
    String id = ctx.pathParam("id");
    commands.get(id).compose(c -> scope.sees(c.deviceId()) ? Future.succeededFuture(c)
            : Future.<Command>failedFuture(notFound("command", id)))
        .onComplete(c -> respond(ctx, c.map(CommandJson::api)));
  }

  private void cancelCommand(RoutingContext ctx) {
    commands.cancel(ctx.pathParam("id")).onComplete(c -> respond(ctx, c.map(CommandJson::api)));
  }

  /** What a device-limited token gets for anything outside its devices: the same as for nothing there. */
  private static Refusal notFound(String what, String id) {
    return new Refusal.NotFound(what + "-not-found", "no " + what + " with id '" + id + "'");
  }

  private JsonObject deviceJson(Device d) {
    return DeviceJson.of(d, presence.get(d.id()), devices.groups().of(d.id()));
  }

  private static JsonObject tokenJson(WithToken w) {
    return new JsonObject().put("token", w.enrollmentToken()).put("expiresAt", w.tokenExpiresAt().toString());
  }

  private static void respond(RoutingContext ctx, io.vertx.core.AsyncResult<JsonObject> result) {
    if (result.failed()) {
      ctx.fail(result.cause());
    } else {
      ctx.json(result.result());
    }
  }

  private static int intParam(RoutingContext ctx, String name, int dflt, int min, int max) {
    String v = ctx.queryParams().get(name);
    if (v == null) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw JsonBodies.invalid(name, "query parameter '" + name + "' must be an integer from " + min + " to " + max);
  }
}
