package io.homeport.server;

import io.homeport.addresslist.AddressListService;
import io.homeport.api.ApiVerticle;
import io.homeport.auth.AdminToken;
import io.homeport.auth.RevocationReloadVerticle;
import io.homeport.auth.ApiTokens;
import io.homeport.auth.Role;
import io.homeport.auth.TokenService;
import io.homeport.beacon.BeaconCounters;
import io.homeport.beacon.BeaconVerticle;
import io.homeport.command.CommandService;
import io.homeport.command.CommandsVerticle;
import io.homeport.command.PendingCommands;
import io.homeport.config.HomeportConfig;
import io.homeport.device.DeviceGroups;
import io.homeport.device.DeviceKeyring;
import io.homeport.device.DeviceService;
import io.homeport.devicechannel.DeviceChannelVerticle;
import io.homeport.event.EventAddresses;
import io.homeport.event.EventLog;
import io.homeport.event.EventRepository;
import io.homeport.lifecycle.Lifecycle;
import io.homeport.metrics.HomeportMetrics;
import io.homeport.metrics.MetricsVertx;
import io.homeport.pki.DeviceClientTrustManager;
import io.homeport.pki.Fingerprints;
import io.homeport.pki.SecretFiles;
import io.homeport.pki.ServerPki;
import io.homeport.plugin.PluginCalls;
import io.homeport.plugin.PluginLoader;
import io.homeport.plugin.PluginRegistry;
import io.homeport.plugin.PluginService;
import io.homeport.presence.PresenceDirectory;
import io.homeport.presence.PresenceEvents;
import io.homeport.presence.PresenceListener;
import io.homeport.presence.PresenceTable;
import io.homeport.presence.LanEndpoints;
import io.homeport.presence.NatBehaviours;
import io.homeport.rendezvous.PendingSessions;
import io.homeport.rendezvous.PermissionService;
import io.homeport.rendezvous.RendezvousProcessor;
import io.homeport.rendezvous.SessionsVerticle;
import io.homeport.relay.RelayVerticle;
import io.homeport.wake.RequestedWakes;
import io.homeport.wake.WaitingWork;
import io.homeport.addresslist.ApplicationWakes;
import io.homeport.stun.StunAttributes;
import io.homeport.store.Store;
import io.homeport.store.StoreFactory;
import io.homeport.store.pg.PgStore;
import io.homeport.store.sqlite.SqliteStore;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Homeport server, assembled by {@link #builder}: loads or creates the PKI in the data
 * directory, opens the store, starts the services and deploys the event log, beacon, device channel,
 * metrics, API and command sweeps, in that order. Every part is a {@link Lifecycle} (verticles are
 * deployed and undeployed through one), and {@link #stop} stops them in reverse order.
 */
public final class HomeportServer {
  private static final Logger LOG = LoggerFactory.getLogger(HomeportServer.class);
  public static final String DATABASE_FILE = "homeport.db";
  /** How often TTLs, result deadlines and scheduled commands are checked. */
  static final long COMMAND_SWEEP_MILLIS = 500;
  /** How often session expiry, consent deadlines and request waits are checked. */
  static final long SESSION_SWEEP_MILLIS = 250;
  /** How often the revoked token ids are reloaded from the store (revocations stored by other processes). */
  static final long REVOCATION_RELOAD_MILLIS = 1000;

  /** Creates the event log on the store's event repository; replaceable for tests and clusters. */
  @FunctionalInterface
  public interface EventLogFactory {
    EventLog create(EventRepository repository, HomeportConfig.Events settings, Clock clock);
  }

  /**
   * Assembles a server. Every part has a default: the store {@code store.url} names (the embedded SQLite
   * database in the data directory when it is empty, else PostgreSQL), the
   * local presence table, the local durable event log, the system clock and the plugin registry on
   * {@code plugins.directory}; each can be replaced before {@link #build}.
   */
  public static final class Builder {
    private final Vertx vertx;
    private final HomeportConfig config;
    private Clock clock = Clock.systemUTC();
    private StoreFactory store = Builder::configuredStore;
    private PresenceDirectory presence;
    private EventLogFactory eventLog;
    private PluginRegistry plugins;
    private final List<PresenceListener> presenceListeners = new ArrayList<>();
    private int beaconIntakeThreads = Runtime.getRuntime().availableProcessors();

    private Builder(Vertx vertx, HomeportConfig config) {
      this.vertx = Objects.requireNonNull(vertx, "vertx");
      this.config = Objects.requireNonNull(config, "config");
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The default store: PostgreSQL for a {@code postgresql://} url, else the SQLite file in the data directory
     * (also opened by {@code homeport admin rotate-token}).
     */
    public static Future<Store> configuredStore(Vertx vertx, HomeportConfig config) {
      HomeportConfig.StoreSettings settings = config.store();
      if (settings.embedded()) {
        return SqliteStore.open(vertx, config.dataDir().toAbsolutePath().resolve(DATABASE_FILE)).map(Store.class::cast);
      }
      // composed, so that a url the client refuses fails the start like an unreachable database
      return Future.succeededFuture(settings).compose(s ->
          PgStore.open(vertx, PgStore.connectOptions(s.url(), s.password()), s.poolSize()).map(Store.class::cast));
    }

    /** Opens another store (a wrapper for tests) instead of the one {@code store.url} names. */
    public Builder store(StoreFactory store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /** Another presence directory (a clustered one) instead of a new local {@link PresenceTable}. */
    public Builder presence(PresenceDirectory presence) {
      this.presence = Objects.requireNonNull(presence, "presence");
      return this;
    }

    public Builder eventLog(EventLogFactory eventLog) {
      this.eventLog = Objects.requireNonNull(eventLog, "eventLog");
      return this;
    }

    /** Another plugin registry instead of one loading {@code plugins.directory}. */
    public Builder plugins(PluginRegistry plugins) {
      this.plugins = Objects.requireNonNull(plugins, "plugins");
      return this;
    }

    /** Adds a listener that hears every presence change from the first keepalive on. */
    public Builder addPresenceListener(PresenceListener listener) {
      presenceListeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Sockets on the beacon port, each read by its own thread (default: one per processor). Needs the
     * native transport ({@code SO_REUSEPORT}); without it the beacon has one socket.
     */
    public Builder beaconIntakeThreads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("beacon intake threads must be at least 1, got " + threads);
      }
      this.beaconIntakeThreads = threads;
      return this;
    }

    /** The server, not started yet. */
    public HomeportServer build() {
      return new HomeportServer(this);
    }
  }

  private final Vertx vertx;
  private final HomeportConfig config;
  private final Clock clock;
  private final StoreFactory storeFactory;
  private final EventLogFactory eventLogFactory;
  private final PresenceDirectory presence;
  private final PluginRegistry pluginRegistry;
  private final List<PresenceListener> presenceListeners;
  private final int beaconIntakeThreads;
  private final DeviceKeyring keyring = new DeviceKeyring();
  private final DeviceGroups deviceGroups = new DeviceGroups();
  private final BeaconCounters beaconCounters = new BeaconCounters();
  private final PendingCommands pendingCommands = new PendingCommands();
  private final PendingSessions pendingSessions = new PendingSessions();
  private final LanEndpoints lanEndpoints = new LanEndpoints();
  private final NatBehaviours natBehaviours = new NatBehaviours();
  private final RequestedWakes requestedWakes = new RequestedWakes();
  /**
   * What waits for each device, all answered from memory: due commands, session news, newer address
   * lists, application wakes and urgent publications.
   */
  private final WaitingWork waitingWork = new WaitingWork() {
    @Override
    public boolean commands(String deviceId) {
      return pendingCommands.hasDue(deviceId);
    }

    @Override
    public boolean sessions(String deviceId) {
      return pendingSessions.hasNews(deviceId);
    }

    @Override
    public boolean newerAddressList(String deviceId, long heldVersion) {
      AddressListService lists = addressLists;
      return lists != null && lists.newerThan(deviceId, heldVersion);
    }

    @Override
    public boolean urgentAddressList(String deviceId) {
      return requestedWakes.urgentAddressList(deviceId);
    }

    @Override
    public String applicationServer(String deviceId) {
      return requestedWakes.applicationServer(deviceId);
    }

    @Override
    public void acknowledged(String deviceId, StunAttributes.WakeReason reason, String applicationServer) {
      applicationWakes.acknowledged(deviceId, reason, applicationServer);
    }
  };
  /** Parts started so far, the last started on top: {@link #stop} pops them. */
  private final Deque<Lifecycle> started = new ArrayDeque<>();

  // set while starting, in this order
  private ServerPki pki;
  private ApiTokens tokens;
  private String newAdminToken;
  private Store store;
  private EventLog eventLog;
  private DeviceService devices;
  private PluginService plugins;
  private CommandService commands;
  private TokenService tokenService;
  private BeaconVerticle beacon;
  private DeviceChannelVerticle deviceChannel;
  private PermissionService permissions;
  private volatile AddressListService addressLists;
  private ApplicationWakes applicationWakes;
  private RendezvousProcessor sessions;
  /** Where session operations go: this node's processor, or in a cluster the node brokering sessions. */
  private io.homeport.rendezvous.SessionBroker sessionBroker;
  /** Where online devices are: this node's presence, or in a cluster the clustered directory. */
  private volatile io.homeport.presence.DeviceLocations locations;
  /** Cluster mode only: the members, and this node's name among them. */
  private io.homeport.cluster.ClusterMembers members;
  private RelayVerticle relay;
  /** Where offers send devices for the relay: resolved once when the relay is up, never per offer. */
  private volatile java.net.InetSocketAddress relayEndpoint;
  private HomeportMetrics metrics;
  private ApiVerticle api;

  private HomeportServer(Builder b) {
    this.vertx = b.vertx;
    this.config = b.config;
    this.clock = b.clock;
    this.storeFactory = b.store;
    // cluster mode: every node publishes every node's events, read back from the shared store
    this.eventLogFactory = b.eventLog != null ? b.eventLog
        : config.cluster().enabled() ? EventLog::tailing : EventLog::new;
    this.presence = b.presence != null ? b.presence : new PresenceTable();
    this.pluginRegistry = b.plugins != null ? b.plugins
        : new PluginRegistry(new PluginLoader(config.pluginsDirectory()));
    this.presenceListeners = List.copyOf(b.presenceListeners);
    this.beaconIntakeThreads = b.beaconIntakeThreads;
  }

  /** A builder with every part at its default. */
  public static Builder builder(Vertx vertx, HomeportConfig config) {
    return new Builder(vertx, config);
  }

  /** Builds a server with every part at its default and starts it. */
  public static Future<HomeportServer> start(Vertx vertx, HomeportConfig config) {
    return builder(vertx, config).build().start();
  }

  /**
   * Starts every part in order; the future fails with the reason when any part cannot start (and what
   * did start is stopped again).
   */
  public Future<HomeportServer> start() {
    return startParts().transform(ar -> ar.succeeded()
        ? Future.succeededFuture(this)
        : stop().transform(ignored -> Future.failedFuture(ar.cause())));
  }

  private Future<Void> startParts() {
    Path dataDir = config.dataDir().toAbsolutePath();
    LOG.info("starting Homeport: data directory {}, transport {}", dataDir,
        vertx.isNativeTransportEnabled() ? "native epoll"
            : vertx.unavailableNativeTransportCause() == null ? "NIO (native transport not requested)"
            : "NIO (native transport unavailable: " + vertx.unavailableNativeTransportCause().getMessage() + ")");
    return vertx.executeBlocking(() -> {
          SecretFiles.ensurePrivateDirectory(dataDir);
          pki = ServerPki.loadOrCreate(dataDir, config.publicHosts(), clock);
          tokens = ApiTokens.create(vertx, pki.jwtPrivateKeyPem(), pki.jwtPublicKeyPem(), externalIssuer());
          ensureAdminToken(dataDir);
          return null;
        })
        .compose(v -> storeFactory.open(vertx, config))
        .compose(s -> {
          store = s;
          started.push(startedPart(s::close));
          // first deployed, last undeployed: it stores what the others publish until they are gone
          eventLog = eventLogFactory.create(store.events(), config.events(), clock);
          // a replaced directory may outlive this server: its listeners leave with it
          List<PresenceListener> listeners = new ArrayList<>(presenceListeners);
          // in a cluster, a device that moved here from a live node is no news (the directory is set up just below)
          listeners.add(0, new PresenceEvents(eventLog, clock, deviceId -> {
            io.homeport.presence.DeviceLocations where = locations;
            return where != null && where.heldElsewhere(deviceId);
          }));
          listeners.forEach(presence::addListener);
          started.push(startedPart(() -> {
            listeners.forEach(presence::removeListener);
            return Future.succeededFuture();
          }));
          return deploy(eventLog);
        })
        .compose(v -> {
          devices = new DeviceService(vertx, store.devices(), keyring, deviceGroups, pki.certificateAuthority(),
              Fingerprints.sha256(pki.caCertificate()), eventLog, clock, config.enrollmentTokenTtl(),
              config.certificateValidity());
          plugins = new PluginService(vertx, pluginRegistry, eventLog, clock);
          commands = new CommandService(store.commands(), store.devices(), new PluginCalls(vertx, pluginRegistry),
              pendingCommands, deviceId -> {
                vertx.eventBus().send(EventAddresses.WAKE_REQUEST, deviceId);
                vertx.eventBus().publish(EventAddresses.WORK_AVAILABLE, deviceId);
              }, eventLog, clock, config.commandResultTimeout());
          tokenService = new TokenService(tokens, store.tokens(), clock, pki.jwtPublicKeyPem(),
              new AdminToken(vertx, dataDir));
          permissions = new PermissionService(store.permissions(), store.devices());
          addressLists = new AddressListService(store.addressLists(), store.devices(), deviceGroups, eventLog, clock);
          devices.addGroupsListener(addressLists);
          applicationWakes = new ApplicationWakes(vertx, requestedWakes, store.devices(), presence,
              deviceId -> locations.find(deviceId).isPresent(), addressLists,
              deviceId -> vertx.eventBus().send(EventAddresses.WAKE_REQUEST, deviceId), eventLog, clock);
          addressLists.addListener(applicationWakes);
          io.homeport.cluster.ClusterDirectory directory = null;
          if (config.cluster().enabled()) {
            com.hazelcast.core.HazelcastInstance hazelcast = io.homeport.cluster.HazelcastClusters.hazelcast(vertx);
            members = new io.homeport.cluster.ClusterMembers(hazelcast);
            directory = new io.homeport.cluster.ClusterDirectory(vertx, hazelcast, members, presence, lanEndpoints,
                natBehaviours, config.offlineGrace());
            locations = directory;
          } else {
            locations = io.homeport.presence.DeviceLocations.local(presence, lanEndpoints, natBehaviours);
          }
          sessions = new RendezvousProcessor(store.sessions(), store.permissions(),
              RendezvousProcessor.DeviceLookup.of(store.devices()),
              new RendezvousProcessor.Peers() {
                @Override
                public java.net.InetSocketAddress publicAddress(String deviceId) {
                  return locations.find(deviceId).map(l -> l.presence().publicAddress()).orElse(null);
                }

                @Override
                public List<java.net.InetSocketAddress> lanEndpoints(String deviceId) {
                  return locations.find(deviceId).map(l -> l.lanEndpoints()).orElse(List.of());
                }
              },
              deviceId -> {
                vertx.eventBus().send(EventAddresses.WAKE_REQUEST, deviceId);
                vertx.eventBus().publish(EventAddresses.WORK_AVAILABLE, deviceId);
              }, pendingSessions, eventLog, clock, config.sessions(), () -> relayEndpoint,
              config.relay().turn() == null ? io.homeport.rendezvous.TurnIssuer.NONE
                  : new io.homeport.relay.TurnCredentials(config.relay().turn().urls(), config.relay().turn().secret()));
          Future<Void> startedSessions;
          if (members == null) {
            sessionBroker = io.homeport.rendezvous.SessionBroker.local(sessions);
            startedSessions = start(devices).compose(x -> start(tokenService)).compose(x -> start(plugins))
                .compose(x -> start(sessions));
          } else {
            // the processor starts on the node that brokers sessions only
            io.homeport.cluster.ClusterSessionBroker broker = new io.homeport.cluster.ClusterSessionBroker(vertx, members,
                sessions, pendingSessions);
            sessionBroker = broker;
            io.homeport.cluster.ClusterDirectory clustered = directory;
            startedSessions = start(members).compose(x -> start(clustered)).compose(x -> start(devices))
                .compose(x -> start(tokenService)).compose(x -> start(plugins)).compose(x -> start(broker));
          }
          return startedSessions.compose(x -> start(addressLists));
        })
        .compose(v -> deploy(beacon = new BeaconVerticle(config, keyring, beaconCounters, presence, clock,
            waitingWork, lanEndpoints, natBehaviours, beaconIntakeThreads)))
        .compose(v -> {
          deviceChannel = new DeviceChannelVerticle(new DeviceChannelVerticle.Settings(
              config.deviceChannel().bind(), config.deviceChannel().port(), pki.serverKeyPem(), pki.serverChainPem(),
              pki.caCertificatePem(), new DeviceClientTrustManager(pki.caCertificate(), keyring::acceptsCertificate),
              config.primaryHost(), () -> config.beacon().advertisedPort(beacon.actualPort()), beacon::actualAltPort,
              () -> config.deviceChannel().advertisedPort(deviceChannel.actualPort()),
              (int) config.keepaliveInterval().toSeconds(),
              config.sessions().consentTimeout().compareTo(java.time.Duration.ofSeconds(60)) > 0
                  ? java.time.Duration.ofSeconds(60) : config.sessions().consentTimeout(), clock),
              devices, keyring, commands, permissions, sessionBroker, pendingSessions, addressLists, applicationWakes);
          return deploy(deviceChannel);
        })
        .compose(v -> deploy(relay = new RelayVerticle(config.relay(), sessions, clock)))
        .compose(v -> vertx.executeBlocking(() -> new java.net.InetSocketAddress(config.primaryHost(),
            config.relay().endpoint().advertisedPort(relay.actualPort()))))
        .onSuccess(endpoint -> relayEndpoint = endpoint)
        .compose(v -> deploy(metrics = new HomeportMetrics(MetricsVertx.registry(vertx), config.metrics(), tokens,
            tokenService::isRevoked,
            new HomeportMetrics.Sources(beaconCounters, presence, beacon, deviceChannel, plugins, commands, sessions, relay,
                addressLists, applicationWakes))))
        .compose(v -> {
          api = new ApiVerticle(config.api(), config.events().streamStallTimeout(), tokens, devices, presence, natBehaviours, beaconCounters, commands, plugins, tokenService,
              permissions, sessions, sessionBroker, locations, addressLists, applicationWakes);
          api.extraRoutes(metrics::mount);
          metrics.registerSubscriberGauge(api::eventStreamSubscribers);
          return deploy(api);
        })
        // last: its first sweep wakes devices with commands stored before a restart
        .compose(v -> members != null
            ? deploy(new io.homeport.cluster.ClusterWork(members.self(), pendingSessions, applicationWakes, deviceGroups,
                addressLists)).compose(x -> deploy(new io.homeport.cluster.ClusterSync(devices, commands, addressLists)))
            : Future.succeededFuture())
        .compose(v -> deploy(new CommandsVerticle(commands, COMMAND_SWEEP_MILLIS)))
        .compose(v -> deploy(new SessionsVerticle(sessions, SESSION_SWEEP_MILLIS)))
        .compose(v -> deploy(new RevocationReloadVerticle(tokenService, REVOCATION_RELOAD_MILLIS)))
        .onSuccess(v -> LOG.info("Homeport is up: API port {}, beacon UDP port {}, device channel port {}, relay UDP port {}",
            api.actualPort(), beacon.actualPort(), deviceChannel.actualPort(), relay.actualPort()));
  }

  /** The configured external issuer with its keys read from the file; null when none is configured. */
  private ApiTokens.ExternalIssuer externalIssuer() {
    HomeportConfig.ExternalIssuer external = config.externalIssuer();
    if (external == null) {
      return null;
    }
    JsonObject jwks;
    try {
      jwks = new JsonObject(Files.readString(external.jwksFile()));
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("auth.externalJwksFile " + external.jwksFile() + " is not a readable JWK set: "
          + e.getMessage());
    }
    if (jwks.getJsonArray("keys", new JsonArray()).isEmpty()) {
      throw new IllegalStateException("auth.externalJwksFile " + external.jwksFile() + " holds no keys");
    }
    LOG.info("accepting API tokens of issuer {} ({} key(s))", external.issuer(), jwks.getJsonArray("keys").size());
    return new ApiTokens.ExternalIssuer(external.issuer(), jwks);
  }

  /** Creates the bootstrap admin token on first start; it is handed to the caller to print once, never logged. */
  private void ensureAdminToken(Path dataDir) throws IOException {
    if (AdminToken.read(dataDir).isEmpty()) {
      newAdminToken = tokens.mint(Role.ADMIN, AdminToken.SUBJECT, 0);
      AdminToken.write(dataDir, newAdminToken);
      LOG.info("created the admin token in {} (it is printed once on the console; `homeport admin token` shows it again)",
          AdminToken.file(dataDir));
    }
  }

  private Future<Void> start(Lifecycle part) {
    return part.start().onSuccess(v -> started.push(part));
  }

  private Future<Void> deploy(Deployable verticle) {
    return vertx.deployVerticle(verticle).map(id -> {
      started.push(startedPart(() -> vertx.undeploy(id)));
      return null;
    });
  }

  /** A part that is already running (a deployed verticle, an opened store): only its stop is left. */
  private static Lifecycle startedPart(Supplier<Future<Void>> stop) {
    return new Lifecycle() {
      @Override
      public Future<Void> start() {
        return Future.succeededFuture();
      }

      @Override
      public Future<Void> stop() {
        return stop.get();
      }
    };
  }

  /** Stops every started part in reverse order (verticles undeployed, the store closed last). */
  public Future<Void> stop() {
    Future<Void> stopped = Future.succeededFuture();
    while (!started.isEmpty()) {
      Lifecycle part = started.pop();
      stopped = stopped.compose(v -> part.stop().otherwiseEmpty());
    }
    return stopped;
  }

  /** The admin token if this start created it (first start with this data directory). */
  public Optional<String> newAdminToken() {
    return Optional.ofNullable(newAdminToken);
  }

  public HomeportConfig config() {
    return config;
  }

  public int apiPort() {
    return api.actualPort();
  }

  /** The beacon's alternate port as bound (NAT mapping discovery). */
  public int beaconAltPort() {
    return beacon.actualAltPort();
  }

  public int beaconPort() {
    return beacon.actualPort();
  }

  public int deviceChannelPort() {
    return deviceChannel.actualPort();
  }

  /** Which devices are online where; readable from any thread. */
  public PresenceDirectory presence() {
    return presence;
  }

  public BeaconCounters beaconCounters() {
    return beaconCounters;
  }

  /** Wakes sent and retransmitted so far (the beacon's counters). */
  public BeaconVerticle beacon() {
    return beacon;
  }

  /** The in-memory credentials the beacon and the device channel check against. */
  public DeviceKeyring keyring() {
    return keyring;
  }

  public DeviceService devices() {
    return devices;
  }

  public CommandService commands() {
    return commands;
  }

  /** Who may open sessions to whom. */
  public PermissionService permissions() {
    return permissions;
  }

  public PluginService plugins() {
    return plugins;
  }

  /** Address lists: publications, and each device's effective list and version. */
  /** Application wakes and the wakes of urgent publications. */
  public ApplicationWakes applicationWakes() {
    return applicationWakes;
  }

  public AddressListService addressLists() {
    return addressLists;
  }

  /** The built-in relay. */
  public RelayVerticle relay() {
    return relay;
  }

  /** The session broker and its log (in a cluster, this node's processor: it brokers only on the oldest node). */
  public RendezvousProcessor sessions() {
    return sessions;
  }

  /** Where session operations go (in a cluster, to the node brokering sessions). */
  public io.homeport.rendezvous.SessionBroker sessionBroker() {
    return sessionBroker;
  }

  /** What devices reported of their NATs to this node's beacon. */
  public NatBehaviours natBehaviours() {
    return natBehaviours;
  }

  /** Where online devices are (in a cluster, on any node). */
  public io.homeport.presence.DeviceLocations locations() {
    return locations;
  }

  /** Mints and verifies API tokens with the server's key. */
  public ApiTokens tokens() {
    return tokens;
  }

  /** Write transactions the store committed since it opened, where it counts them (see {@link Store#writeTransactions}). */
  public OptionalLong storeWriteTransactions() {
    return store.writeTransactions();
  }

  /** The durable event log every component publishes its events through. */
  public EventLog events() {
    return eventLog;
  }

  /** Homeport's meters and /metrics. */
  public HomeportMetrics metrics() {
    return metrics;
  }

  public ApiVerticle api() {
    return api;
  }

  public ServerPki pki() {
    return pki;
  }
}
