package io.homeport.server;

import io.homeport.api.ApiVerticle;
import io.homeport.auth.AdminToken;
import io.homeport.auth.ApiTokens;
import io.homeport.auth.Role;
import io.homeport.auth.TokenService;
import io.homeport.beacon.BeaconCounters;
import io.homeport.beacon.BeaconVerticle;
import io.homeport.beacon.PresenceTable;
import io.homeport.command.CommandService;
import io.homeport.command.CommandsVerticle;
import io.homeport.command.PendingCommands;
import io.homeport.config.HomeportConfig;
import io.homeport.device.DeviceGroups;
import io.homeport.device.DeviceKeyring;
import io.homeport.device.DeviceService;
import io.homeport.devicechannel.DeviceChannelVerticle;
import io.homeport.event.EventAddresses;
import io.homeport.event.EventPublisher;
import io.homeport.metrics.HomeportMetrics;
import io.homeport.metrics.MetricsVertx;
import io.homeport.event.EventLog;
import io.homeport.pki.DeviceClientTrustManager;
import io.homeport.plugin.PluginCalls;
import io.homeport.plugin.PluginLoader;
import io.homeport.plugin.PluginRegistry;
import io.homeport.plugin.PluginService;
import io.homeport.pki.Fingerprints;
import io.homeport.pki.SecretFiles;
import io.homeport.pki.ServerPki;
import io.homeport.store.Store;
import io.homeport.store.sqlite.SqliteStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Homeport server: loads or creates the PKI and the store in the data directory, then
 * deploys the beacon, device channel and API verticles. Components are built here and handed to the
 * verticles, which only wire sockets and timers to them.
 */
public final class HomeportServer {
  private static final Logger LOG = LoggerFactory.getLogger(HomeportServer.class);
  public static final String DATABASE_FILE = "homeport.db";
  /** How often TTLs, result deadlines and scheduled commands are checked. */
  static final long COMMAND_SWEEP_MILLIS = 500;

  private final Vertx vertx;
  private final HomeportConfig config;
  private final Clock clock;
  private Store store;
  private ServerPki pki;
  private ApiTokens tokens;
  private String newAdminToken;
  private final DeviceKeyring keyring = new DeviceKeyring();
  private final DeviceGroups deviceGroups = new DeviceGroups();
  private final BeaconCounters beaconCounters = new BeaconCounters();
  private PresenceTable presence;
  private DeviceService devices;
  private final PendingCommands pendingCommands = new PendingCommands();
  private CommandService commands;
  private PluginService plugins;
  private TokenService tokenService;
  private BeaconVerticle beacon;
  private DeviceChannelVerticle deviceChannel;
  private ApiVerticle api;
  private HomeportMetrics metrics;
  private EventLog eventLog;
  private final java.util.List<String> deployments = new java.util.ArrayList<>();

  private HomeportServer(Vertx vertx, HomeportConfig config, Clock clock) {
    this.vertx = vertx;
    this.config = config;
    this.clock = clock;
  }

  /** Starts a server; the future fails with the reason when any part cannot start (and what did start is stopped). */
  public static Future<HomeportServer> start(Vertx vertx, HomeportConfig config) {
    HomeportServer server = new HomeportServer(vertx, config, Clock.systemUTC());
    return server.startParts().transform(ar -> {
      if (ar.succeeded()) {
        return Future.succeededFuture(server);
      }
      return server.stop().transform(ignored -> Future.failedFuture(ar.cause()));
    });
  }

  private Future<Void> startParts() {
    Path dataDir = config.dataDir().toAbsolutePath();
    LOG.info("starting Homeport: data directory {}, transport {}", dataDir,
        vertx.isNativeTransportEnabled() ? "native epoll"
            : vertx.unavailableNativeTransportCause() == null ? "NIO (native transport not requested)"
            : "NIO (native transport unavailable: " + vertx.unavailableNativeTransportCause().getMessage() + ")");
    return vertx.executeBlocking(() -> {
          SecretFiles.ensurePrivateDirectory(dataDir);
          return ServerPki.loadOrCreate(dataDir, config.publicHosts(), clock);
        })
        .compose(p -> {
          pki = p;
          return vertx.executeBlocking(() -> {
            tokens = ApiTokens.create(vertx, pki.jwtPrivateKeyPem(), pki.jwtPublicKeyPem(), externalIssuer());
            return ensureAdminToken(dataDir);
          });
        })
        .compose(v -> SqliteStore.open(vertx, dataDir.resolve(DATABASE_FILE)))
        .compose(s -> {
          store = s;
          // first deployed, last undeployed: it stores what the others publish until they are gone
          eventLog = new EventLog(store.events(), config.events(), clock);
          return deploy(eventLog);
        })
        .compose(v -> {
          EventLog events = eventLog;
          devices = new DeviceService(vertx, store.devices(), keyring, deviceGroups, pki.certificateAuthority(),
              Fingerprints.sha256(pki.caCertificate()), events, clock, config.enrollmentTokenTtl(),
              config.certificateValidity());
          PluginRegistry pluginRegistry = new PluginRegistry(new PluginLoader(config.pluginsDirectory()));
          plugins = new PluginService(vertx, pluginRegistry, events, clock);
          commands = new CommandService(store.commands(), store.devices(), new PluginCalls(vertx, pluginRegistry),
              pendingCommands, deviceId -> {
                vertx.eventBus().send(EventAddresses.WAKE_REQUEST, deviceId);
                vertx.eventBus().publish(EventAddresses.COMMANDS_AVAILABLE, deviceId);
              }, events, clock, config.commandResultTimeout());
          tokenService = new TokenService(tokens, store.tokens(), clock, pki.jwtPublicKeyPem());
          return devices.loadKeyring().compose(x -> devices.loadGroups()).compose(x -> tokenService.load()).compose(x -> plugins.reload()).mapEmpty();
        })
        .compose(v -> {
          beacon = new BeaconVerticle(config, keyring, beaconCounters, eventLog, clock, pendingCommands);
          presence = beacon.presence();
          return deploy(beacon);
        })
        .compose(v -> {
          deviceChannel = new DeviceChannelVerticle(new DeviceChannelVerticle.Settings(
              config.deviceChannel().bind(), config.deviceChannel().port(), pki.serverKeyPem(), pki.serverChainPem(),
              pki.caCertificatePem(), new DeviceClientTrustManager(pki.caCertificate(), keyring::acceptsCertificate),
              config.primaryHost(), () -> config.beacon().advertisedPort(beacon.actualPort()),
              () -> config.deviceChannel().advertisedPort(deviceChannel.actualPort()),
              (int) config.keepaliveInterval().toSeconds()), devices, keyring, commands);
          return deploy(deviceChannel);
        })
        .compose(v -> deploy(metrics = new HomeportMetrics(MetricsVertx.registry(vertx), config.metrics(), tokens,
            tokenService::isRevoked,
            new HomeportMetrics.Sources(beaconCounters, presence, beacon, deviceChannel, plugins, commands))))
        .compose(v -> {
          api = new ApiVerticle(config.api(), tokens, devices, presence, beaconCounters, commands, plugins, tokenService);
          api.extraRoutes(metrics::mount);
          metrics.registerSubscriberGauge(api::eventStreamSubscribers);
          return deploy(api);
        })
        // last: its first sweep wakes devices with commands stored before a restart
        .compose(v -> deploy(new CommandsVerticle(commands, COMMAND_SWEEP_MILLIS)))
        .onSuccess(v -> LOG.info("Homeport is up: API port {}, beacon UDP port {}, device channel port {}",
            api.actualPort(), beacon.actualPort(), deviceChannel.actualPort()))
        .mapEmpty();
  }

  /** The configured external issuer with its keys read from the file; null when none is configured. */
  private ApiTokens.ExternalIssuer externalIssuer() throws java.io.IOException {
    HomeportConfig.ExternalIssuer external = config.externalIssuer();
    if (external == null) {
      return null;
    }
    io.vertx.core.json.JsonObject jwks;
    try {
      jwks = new io.vertx.core.json.JsonObject(java.nio.file.Files.readString(external.jwksFile()));
    } catch (java.io.IOException | RuntimeException e) {
      throw new IllegalStateException("auth.externalJwksFile " + external.jwksFile() + " is not a readable JWK set: "
          + e.getMessage());
    }
    if (jwks.getJsonArray("keys", new io.vertx.core.json.JsonArray()).isEmpty()) {
      throw new IllegalStateException("auth.externalJwksFile " + external.jwksFile() + " holds no keys");
    }
    LOG.info("accepting API tokens of issuer {} ({} key(s))", external.issuer(), jwks.getJsonArray("keys").size());
    return new ApiTokens.ExternalIssuer(external.issuer(), jwks);
  }

  /** Creates the bootstrap admin token on first start; it is handed to the caller to print once, never logged. */
  private Void ensureAdminToken(Path dataDir) throws java.io.IOException {
    if (AdminToken.read(dataDir).isEmpty()) {
      newAdminToken = tokens.mint(Role.ADMIN, "admin", 0);
      SecretFiles.writeSecret(AdminToken.file(dataDir), newAdminToken + "\n");
      LOG.info("created the admin token in {} (it is printed once on the console; `homeport admin token` shows it again)",
          AdminToken.file(dataDir));
    }
    return null;
  }

  private Future<String> deploy(io.vertx.core.Deployable verticle) {
    return vertx.deployVerticle(verticle).onSuccess(deployments::add);
  }

  /** Undeploys this server's verticles in reverse order and closes the store. */
  public Future<Void> stop() {
    Future<Void> undeployed = Future.succeededFuture();
    for (int i = deployments.size() - 1; i >= 0; i--) {
      String id = deployments.get(i);
      undeployed = undeployed.compose(v -> vertx.undeploy(id).otherwiseEmpty());
    }
    deployments.clear();
    return undeployed.compose(v -> store == null ? Future.succeededFuture() : store.close());
  }

  /** The admin token if this start created it (first start with this data directory). */
  public Optional<String> newAdminToken() {
    return Optional.ofNullable(newAdminToken);
  }

  public int apiPort() {
    return api.actualPort();
  }

  public int beaconPort() {
    return beacon.actualPort();
  }

  public int deviceChannelPort() {
    return deviceChannel.actualPort();
  }

  public PresenceTable presence() {
    return presence;
  }

  public BeaconCounters beaconCounters() {
    return beaconCounters;
  }

  public CommandService commands() {
    return commands;
  }

  public PluginService plugins() {
    return plugins;
  }

  /** Homeport's meters and /metrics; the event stream registers its subscriber gauge here. */
  public HomeportMetrics metrics() {
    return metrics;
  }

  public BeaconVerticle beacon() {
    return beacon;
  }

  public DeviceService devices() {
    return devices;
  }

  public ApiVerticle api() {
    return api;
  }

  public TokenService tokenService() {
    return tokenService;
  }

  public ApiTokens tokens() {
    return tokens;
  }

  /** The durable event log every component publishes its events through. */
  public EventLog events() {
    return eventLog;
  }

  public HomeportConfig config() {
    return config;
  }

  public ServerPki pki() {
    return pki;
  }
}
