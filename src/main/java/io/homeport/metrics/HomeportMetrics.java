package io.homeport.metrics;

import io.homeport.auth.ApiTokens;
import io.homeport.auth.Role;
import io.homeport.beacon.BeaconCounters;
import io.homeport.beacon.BeaconVerticle;
import io.homeport.beacon.KeepaliveOutcome;
import io.homeport.presence.PresenceDirectory;
import io.homeport.command.Command;
import io.homeport.command.CommandService;
import io.homeport.command.CommandState;
import io.homeport.config.MetricsSettings;
import io.homeport.devicechannel.DeviceChannelVerticle;
import io.homeport.event.CommandEvent;
import io.homeport.event.SessionEvent;
import io.homeport.relay.RelayProcessor;
import io.homeport.relay.RelayVerticle;
import io.homeport.rendezvous.RendezvousProcessor;
import io.homeport.event.DomainEvent;
import io.homeport.event.EventAddresses;
import io.homeport.event.LoggedEvent;
import io.homeport.http.Problem;
import io.homeport.http.RejectRevokedTokens;
import io.homeport.http.Problems;
import io.homeport.plugin.PluginService;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.homeport.addresslist.AddressListService;
import io.homeport.addresslist.ApplicationWakes;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Homeport's own meters and the {@code /metrics} endpoint (Prometheus text format; see
 * {@code docs/metrics.md}). Counters the components already keep (beacon outcomes, wakes, TLS
 * handshakes) are read at scrape time, so no hot path changes; command counters and the
 * wake-to-result latency follow the {@code command.*} events on {@link EventAddresses#EVENTS}.
 *
 * <p>Deployed by the server after the components it reads. {@code /metrics} is served either on the
 * API router ({@link #mount}, when {@code metrics.port} is 0) or on a management listener of its own.
 * Its meters are removed again when it is undeployed, so a server restarted on the same Vert.x
 * instance registers fresh ones.
 */
public final class HomeportMetrics extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HomeportMetrics.class);
  public static final String PATH = "/metrics";
  /** Histogram buckets of the wake-to-result latency, from a wake answered at once to a slow appliance. */
  static final Duration[] LATENCY_BUCKETS = {
      Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
      Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10),
      Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(5),
      Duration.ofMinutes(15), Duration.ofHours(1)};

  /** What the meters read. */
  public record Sources(BeaconCounters beaconCounters, PresenceDirectory presence, BeaconVerticle beacon,
      DeviceChannelVerticle deviceChannel, PluginService plugins, CommandService commands,
      RendezvousProcessor sessions, RelayVerticle relay, AddressListService addressLists,
      ApplicationWakes applicationWakes) {}

  private final PrometheusMeterRegistry registry;
  private final MetricsSettings settings;
  private final ApiTokens tokens;
  private final java.util.function.Predicate<String> isRevoked;
  private final Sources sources;
  private final List<Meter> meters = new ArrayList<>();
  private final Map<CommandState, Counter> commandsByState = new EnumMap<>(CommandState.class);
  private final Map<CommandState, Timer> latencyByOutcome = new EnumMap<>(CommandState.class);
  /** Session outcomes by their tags ({@code outcome}, {@code reason}, {@code endedBy}), created on first use. */
  private final Map<List<String>, Counter> sessionOutcomes = new java.util.concurrent.ConcurrentHashMap<>();
  private final AtomicReference<Supplier<? extends Number>> subscribers = new AtomicReference<>(() -> 0);
  private HttpServer managementServer;

  /** @param isRevoked whether a token id was revoked: such tokens read no metrics either */
  public HomeportMetrics(PrometheusMeterRegistry registry, MetricsSettings settings, ApiTokens tokens,
      java.util.function.Predicate<String> isRevoked, Sources sources) {
    this.isRevoked = isRevoked;
    this.registry = registry;
    this.settings = settings;
    this.tokens = tokens;
    this.sources = sources;
  }

  /**
   * Lets the event stream report its current subscriber count as {@code homeport_event_stream_subscribers}.
   * The supplier is called at scrape time, from any thread: make it cheap and thread-safe (an
   * {@code AtomicInteger::get}, a concurrent set's {@code size}). Registering again replaces the
   * previous supplier; {@code null} resets the gauge to 0. May be called before or after deployment.
   */
  public void registerSubscriberGauge(Supplier<? extends Number> supplier) {
    subscribers.set(supplier == null ? () -> 0 : supplier);
  }

  /** The registry behind {@code /metrics}: Vert.x's meters and Homeport's. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The management listener's port, or -1 when {@code /metrics} is on the API listener. */
  public int managementPort() {
    return managementServer == null ? -1 : managementServer.actualPort();
  }

  /** Adds {@code GET /metrics} to the API router, unless a management listener of its own serves it. */
  public void mount(Router router) {
    if (!settings.separateListener()) {
      route(router);
    }
  }

  @Override
  public Future<?> start() {
    registerMeters();
    vertx.eventBus().<LoggedEvent>localConsumer(EventAddresses.EVENTS, msg -> onEvent(msg.body().event()));
    if (!settings.separateListener()) {
      return Future.succeededFuture();
    }
    Router router = Router.router(vertx);
    router.route().failureHandler(Problems::handleFailure);
    route(router);
    router.route().last().handler(Problems::notFound);
    return vertx.createHttpServer()
        .requestHandler(router)
        .listen(settings.port(), settings.bind())
        .onSuccess(s -> {
          managementServer = s;
          LOG.info("metrics listening on http://{}:{}{} ({})", settings.bind(), s.actualPort(), PATH,
              settings.access() == MetricsSettings.Access.OPEN ? "open" : "API token required");
        });
  }

  @Override
  public Future<?> stop() {
    meters.forEach(registry::remove);
    meters.clear();
    sessionOutcomes.clear();
    return Future.succeededFuture();
  }

  private void route(Router router) {
    Route route = router.get(PATH);
    if (settings.access() == MetricsSettings.Access.TOKEN) {
      route.handler(tokens.authenticationHandler()).handler(new RejectRevokedTokens(isRevoked))
          .handler(HomeportMetrics::readers);
    }
    route.handler(PrometheusScrapingHandler.create(registry));
  }

  /** Tokens of the roles that read the API may read the metrics, as for the read routes of the API. */
  private static void readers(RoutingContext ctx) {
    Role role = ctx.user() == null ? null : Role.fromClaim(ctx.user().principal().getString("role")).orElse(null);
    if (role != null && role.readsOperatorApi()) {
      ctx.next();
    } else {
      new Problem(403, "forbidden", "Forbidden", role == null ? "the token carries no known role"
          : "the metrics need a token of role admin, operator or integrator; the token has role " + role.claim()).send(ctx);
    }
  }

  private void registerMeters() {
    BeaconCounters beacon = sources.beaconCounters();
    for (KeepaliveOutcome outcome : KeepaliveOutcome.values()) {
      meters.add(FunctionCounter.builder("homeport.keepalives", beacon, c -> c.get(outcome))
          .description("Datagrams at the beacon by outcome (accepted, stale-nonce, replayed, malformed, ...)")
          .tag("outcome", outcome.label())
          .register(registry));
    }
    meters.add(FunctionCounter.builder("homeport.keepalive.answers.suppressed", beacon, BeaconCounters::suppressedResponses)
        .description("Keepalive answers not sent because they would have been larger than the datagram")
        .register(registry));
    meters.add(Gauge.builder("homeport.devices.online", sources.presence(), PresenceDirectory::onlineCount)
        .description("Devices online now (a keepalive accepted within beacon.offlineGrace)")
        .register(registry));
    meters.add(FunctionCounter.builder("homeport.wakes.sent", sources.beacon(), BeaconVerticle::wakesSent)
        .description("Wakes sent, each counted once however often it was repeated")
        .register(registry));
    meters.add(FunctionCounter.builder("homeport.wakes.retransmitted", sources.beacon(), BeaconVerticle::wakeRetransmissions)
        .description("Wake copies sent after the first")
        .register(registry));
    for (CommandState state : CommandState.values()) {
      Counter c = Counter.builder("homeport.commands")
          .description("Command transitions by the state entered (queued counts requeued retryable commands again)")
          .tag("state", state.wireName())
          .register(registry);
      commandsByState.put(state, c);
      meters.add(c);
    }
    for (CommandState outcome : List.of(CommandState.SUCCEEDED, CommandState.FAILED)) {
      Timer t = Timer.builder("homeport.command.result.latency")
          .description("From a command being due (created, or its notBefore) to its result stored")
          .tag("outcome", outcome.wireName())
          .serviceLevelObjectives(LATENCY_BUCKETS)
          .register(registry);
      latencyByOutcome.put(outcome, t);
      meters.add(t);
    }
    DeviceChannelVerticle channel = sources.deviceChannel();
    meters.add(FunctionCounter.builder("homeport.device.channel.handshakes", channel, DeviceChannelVerticle::handshakesSucceeded)
        .description("TLS handshakes on the device channel by outcome")
        .tag("outcome", "success")
        .register(registry));
    meters.add(FunctionCounter.builder("homeport.device.channel.handshakes", channel, DeviceChannelVerticle::handshakesFailed)
        .description("TLS handshakes on the device channel by outcome")
        .tag("outcome", "failure")
        .register(registry));
    meters.add(Gauge.builder("homeport.event.stream.subscribers", subscribers, s -> s.get().get().doubleValue())
        .description("WebSocket event-stream subscribers connected now")
        .register(registry));
    meters.add(Gauge.builder("homeport.sessions.active", sources.sessions(), RendezvousProcessor::active)
        .description("Peer sessions established and not ended now")
        .register(registry));
    RelayProcessor relay = sources.relay().processor();
    meters.add(Gauge.builder("homeport.relay.allocations", relay, RelayProcessor::allocations)
        .description("Relay allocations open now (one per established session)")
        .register(registry));
    meters.add(FunctionCounter.builder("homeport.relay.forwarded", relay, RelayProcessor::forwarded)
        .description("Datagrams the relay forwarded")
        .register(registry));
    meters.add(FunctionCounter.builder("homeport.relay.forwarded.bytes", relay, RelayProcessor::forwardedBytes)
        .description("Bytes the relay forwarded")
        .register(registry));
    for (RelayProcessor.Drop why : RelayProcessor.Drop.values()) {
      meters.add(FunctionCounter.builder("homeport.relay.dropped", relay, r -> r.dropped(why))
          .description("Datagrams the relay dropped, by reason")
          .tag("reason", why.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'))
          .register(registry));
    }
    AddressListService lists = sources.addressLists();
    meters.add(Gauge.builder("homeport.address.list.version", lists, AddressListService::newestVersion)
        .description("The newest address-list version published (or taken by a regrouping)")
        .register(registry));
    for (String answer : List.of("not-modified", "delta", "full")) {
      meters.add(FunctionCounter.builder("homeport.address.list.fetches", lists, l -> l.fetches(answer))
          .description("Address-list fetches by devices, by answer: not-modified (304), delta or the full list")
          .tag("answer", answer)
          .register(registry));
    }
    for (String outcome : ApplicationWakes.OUTCOMES) {
      meters.add(FunctionCounter.builder("homeport.application.wakes", sources.applicationWakes(), w -> w.count(outcome))
          .description("Application wakes by outcome: requested, succeeded or failed (as the device reported), "
              + "expired (never acknowledged)")
          .tag("outcome", outcome)
          .register(registry));
    }
    PluginService plugins = sources.plugins();
    meters.add(Gauge.builder("homeport.plugins.loaded", plugins, p -> p.registry().current().loaded().size())
        .description("Plugins loaded from the plugins directory")
        .register(registry));
    meters.add(Gauge.builder("homeport.plugin.jars.failed", plugins, p -> p.registry().current().failed().size())
        .description("Jars in the plugins directory that failed to load at the last (re)load")
        .register(registry));
  }

  private void onEvent(DomainEvent event) {
    if (event instanceof SessionEvent session) {
      countSession(session);
      return;
    }
    if (!(event instanceof CommandEvent command)) {
      return;
    }
    CommandState state = CommandState.fromWireName(command.state()).orElse(null);
    if (state == null) {
      return;
    }
    commandsByState.get(state).increment();
    Timer latency = latencyByOutcome.get(state);
    String id = command.commandId();
    if (latency != null) {
      sources.commands().get(id).onSuccess(c -> record(latency, c))
          .onFailure(e -> LOG.debug("no latency for command {}: {}", id, e.getMessage()));
    }
  }

  /**
   * Counts each session once (its requester's event): established; rejected by the real reason (a fixed
   * set); ended by who ended it (device-given end reasons are free text, unfit for a tag).
   */
  private void countSession(SessionEvent e) {
    if (!"requester".equals(e.role())) {
      return;
    }
    // every series carries the same three tags (Prometheus refuses one name with different tag keys)
    List<String> tags;
    if (e instanceof SessionEvent.Established) {
      tags = List.of("established", "none", "none");
    } else if (e instanceof SessionEvent.Rejected r) {
      tags = List.of("rejected", r.reason(), "none");
    } else if (e instanceof SessionEvent.Ended r) {
      tags = List.of("ended", "none", r.endedBy());
    } else {
      return;
    }
    sessionOutcomes.computeIfAbsent(tags, t -> {
      Counter c = Counter.builder("homeport.sessions")
          .description("Peer sessions by outcome: established, rejected (by reason), ended (by who ended them)")
          .tag("outcome", t.get(0)).tag("reason", t.get(1)).tag("endedBy", t.get(2))
          .register(registry);
      meters.add(c);
      return c;
    }).increment();
  }

  private static void record(Timer latency, Command c) {
    if (c.completedAt() == null) {
      return;
    }
    Instant due = c.notBefore() != null && c.notBefore().isAfter(c.createdAt()) ? c.notBefore() : c.createdAt();
    Duration d = Duration.between(due, c.completedAt());
    if (!d.isNegative()) {
      latency.record(d);
    }
  }
}
