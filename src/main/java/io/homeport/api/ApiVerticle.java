package io.homeport.api;

import io.homeport.addresslist.AddressListService;
import io.homeport.auth.ApiTokens;
import io.homeport.auth.Role;
import io.homeport.auth.TokenService;
import io.homeport.beacon.BeaconCounters;
import io.homeport.presence.PresenceDirectory;
import io.homeport.rendezvous.PermissionService;
import io.homeport.rendezvous.RendezvousProcessor;
import io.homeport.command.CommandService;
import io.homeport.config.Endpoint;
import io.homeport.device.DeviceService;
import io.homeport.http.Problems;
import io.homeport.http.RejectRevokedTokens;
import io.homeport.plugin.PluginService;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator / integrator HTTP API (DESIGN.md 2.3): {@code /health}, {@code /api/v1} and the operator console's
 * static files at {@code /console/} (DESIGN.md 8). Builds the router
 * (authentication, body limit, problem responses, 404), mounts each resource's routes and listens.
 */
public final class ApiVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ApiVerticle.class);
  static final int BODY_LIMIT = 64 * 1024;

  private final Endpoint endpoint;
  private final Duration streamStallTimeout;
  private final ApiTokens tokens;
  private final TokenService tokenService;
  private final DeviceService devices;
  private final TokenRoutes tokenRoutes;
  private final DeviceRoutes deviceRoutes;
  private final CommandRoutes commandRoutes;
  private final PluginRoutes pluginRoutes;
  private final BeaconRoutes beaconRoutes;
  private final PermissionRoutes permissionRoutes;
  private final SessionRoutes sessionRoutes;
  private final AddressListRoutes addressListRoutes;
  private final PkiRoutes pkiRoutes;
  private final ApplicationWakeRoutes applicationWakeRoutes;
  private volatile EventStreamRoutes eventStream;
  private HttpServer server;
  private Router router;
  private Consumer<Router> extraRoutes = router -> {};

  public ApiVerticle(Endpoint endpoint, Duration streamStallTimeout, ApiTokens tokens, DeviceService devices, PresenceDirectory presence,
      io.homeport.presence.NatBehaviours natBehaviours,
      BeaconCounters beaconCounters, CommandService commands, PluginService plugins, TokenService tokenService,
      PermissionService permissions, RendezvousProcessor sessions, io.homeport.rendezvous.SessionBroker broker,
      io.homeport.presence.DeviceLocations locations, AddressListService addressLists,
      io.homeport.addresslist.ApplicationWakes applicationWakes) {
    this.endpoint = endpoint;
    this.streamStallTimeout = streamStallTimeout;
    this.tokens = tokens;
    this.tokenService = tokenService;
    this.devices = devices;
    this.tokenRoutes = new TokenRoutes(tokenService);
    this.deviceRoutes = new DeviceRoutes(devices, presence, locations, natBehaviours);
    this.commandRoutes = new CommandRoutes(commands, devices.groups());
    this.pluginRoutes = new PluginRoutes(plugins);
    this.beaconRoutes = new BeaconRoutes(beaconCounters, presence);
    this.permissionRoutes = new PermissionRoutes(permissions, devices.groups());
    this.sessionRoutes = new SessionRoutes(sessions, broker, devices.groups());
    this.addressListRoutes = new AddressListRoutes(addressLists, devices.groups());
    this.pkiRoutes = new PkiRoutes(devices);
    this.applicationWakeRoutes = new ApplicationWakeRoutes(applicationWakes, devices.groups());
  }

  @Override
  public Future<?> start() {
    router = Router.router(vertx);
    router.route().failureHandler(Problems::handleFailure);
    router.get("/health").handler(ctx -> ctx.json(new JsonObject().put("status", "up")));
    extraRoutes.accept(router);
    ConsoleRoutes.mount(router);
    // before the /api/v1/* handlers: the WebSocket authenticates by itself, before its upgrade
    eventStream = EventStreamRoutes.mount(router, vertx, tokens, tokenService::isRevoked, devices.groups());

    router.route("/api/v1/*").handler(tokens.authenticationHandler());
    router.route("/api/v1/*").handler(new RejectRevokedTokens(tokenService::isRevoked));
    router.route("/api/v1/*").handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT));
    Authorize read = Authorize.roles(Role.ADMIN, Role.OPERATOR, Role.INTEGRATOR);
    Authorize write = Authorize.roles(Role.ADMIN, Role.OPERATOR);
    tokenRoutes.mount(router, read);
    router.get(OpenApiRoute.PATH).handler(read).handler(OpenApiRoute::serve);
    deviceRoutes.mount(router, read, write);
    permissionRoutes.mount(router, read, write);
    sessionRoutes.mount(router, read, write);
    addressListRoutes.mount(router, read, write);
    applicationWakeRoutes.mount(router);
    beaconRoutes.mount(router, read);
    pkiRoutes.mount(router, Authorize.roles(Role.ADMIN, Role.OPERATOR, Role.INTEGRATOR, Role.APPLICATION));
    pluginRoutes.mount(router, read, Authorize.roles(Role.ADMIN));
    commandRoutes.mount(router, vertx, read, write);
    router.route().last().handler(Problems::notFound);

    return vertx.createHttpServer(EventStreamRoutes.serverOptions(streamStallTimeout))
        .requestHandler(router)
        .listen(endpoint.port(), endpoint.bind())
        .onSuccess(s -> {
          server = s;
          LOG.info("API listening on http://{}:{}", endpoint.bind(), s.actualPort());
        });
  }

  /** The router's routes, for the check that the OpenAPI document lists exactly what is served. */
  List<Route> routes() {
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
}
