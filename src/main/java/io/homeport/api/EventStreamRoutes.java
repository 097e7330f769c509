package io.homeport.api;

import io.homeport.auth.ApiTokens;
import io.homeport.device.DeviceGroups;
import io.homeport.event.EventAddresses;
import io.homeport.event.LoggedEvent;
import io.homeport.event.EventLog;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/events}: the event stream (DESIGN.md 2.4) as a WebSocket. Each message is one text
 * frame holding one event, {@code {"id":..,"type":..,"time":..,"deviceId":..,"data":{..}}}, in id order.
 * The client sends nothing (what it sends is ignored). Guide with examples: {@code docs/event-stream.md}.
 *
 * <p><b>Authentication</b>, before the upgrade: an API token (ES256 JWT) from the {@code Authorization:
 * Bearer} header, or, for browsers, from the subprotocol list {@code Sec-WebSocket-Protocol: bearer,
 * <token>} (the server then answers with the subprotocol {@code bearer}) or the {@code access_token} query
 * parameter. Roles admin, operator and integrator may subscribe. A token with a {@code devices} claim (a
 * list of device ids) or a {@code groups} claim (a list of device groups) only ever receives events of
 * those devices, or of devices in those groups when the event is sent (also on replay); events without a device
 * ({@code plugin.*}) are not shown to it. Refusals are problem+json responses instead of the upgrade: 401
 * {@code unauthenticated} (a revoked token: {@code token-revoked}), 403 {@code forbidden}, 400
 * {@code invalid-field} (with {@code field}), 426 {@code websocket-required} for a request that is not a
 * WebSocket upgrade.
 *
 * <p><b>Query parameters</b>: {@code types=device.*,command.succeeded} (exact types, or segments ending in
 * {@code *}; see {@link EventFilter}), {@code devices=a,b} (intersected with the token's claim),
 * {@code after=<id>}: first every stored event with a greater id, read from the durable log in pages,
 * then live events, with no gap and no duplicate at the seam. Without {@code after} the stream starts with
 * the events after the subscription.
 *
 * <p><b>Seam.</b> A subscriber is registered for live events before the log is read; live events that
 * arrive meanwhile are held, and when a read finds the end of the log the held ones with greater ids
 * follow. The log stores every event before it publishes it, so an event is either read or held. If
 * more live events arrive during the replay than the buffer takes, the held ones are dropped and reading
 * the log simply continues past them.
 *
 * <p><b>Slow consumers.</b> Per subscriber at most {@code events.streamBufferEvents} events are queued:
 * frames not yet written plus frames written whose bytes the socket has not yet taken (the socket's own
 * write queue is only written to while {@code writeQueueFull()} is false). Replay reads a page only when
 * there is room. A live subscriber that falls further behind is closed. A closed subscriber that does not
 * read up to the close frame loses its TCP connection {@code events.streamStallTimeout} after it stopped
 * reading (see {@link #serverOptions}).
 *
 * <p><b>Close codes</b> (besides 1000, which the server sends when it stops):
 * <ul>
 *   <li>{@value #CLOSE_SLOW_CONSUMER} slow consumer: reason {@code "slow consumer; resume with
 *       after=<id>"}, the id of the last event written to this connection. Reconnect with that
 *       {@code after} (or the id of the last event received, the same when the client read everything
 *       up to the close frame).</li>
 *   <li>{@value #CLOSE_TOKEN_EXPIRED} the token expired, or was revoked, while subscribed: reason {@code
 *       "token expired; resume with after=<id>"} or {@code "token revoked; ..."} (checked every {@value
 *       #REVOCATION_CHECK_MILLIS} ms); reconnect with a fresh token.</li>
 *   <li>{@value #CLOSE_LOG_UNAVAILABLE} the event log could not be read (store failure); resume later with
 *       the {@code after} in the reason.</li>
 * </ul>
 * Authentication and authorization failures never reach the WebSocket: they are HTTP responses before the
 * upgrade (so there is no 4003).
 *
 * <p>All subscriber state lives on the context that mounted the routes (the API verticle's event loop),
 * which also runs its single event-bus consumer; every event is encoded once for all subscribers.
 *
 * <p>The pieces: {@link EventStreamHandshake} (token, query, refusals, upgrade), {@link EventStreamSubscriber}
 * (one connection's queue and close codes), {@link ReplayThenLive} (the seam); this class mounts them, fans
 * live events out and closes the subscriptions of revoked tokens.
 */
public final class EventStreamRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(EventStreamRoutes.class);

  public static final String PATH = "/api/v1/events";
  public static final short CLOSE_SLOW_CONSUMER = 4008;
  public static final short CLOSE_TOKEN_EXPIRED = 4001;
  public static final short CLOSE_LOG_UNAVAILABLE = 1011;
  /** How often connected subscribers' tokens are checked against the revoked ones. */
  static final long REVOCATION_CHECK_MILLIS = 2_000;
  /** Events read from the log at once, at most. */
  static final int MAX_PAGE = 500;

  private final Vertx vertx;
  private final AuthenticationProvider auth;
  private final Predicate<String> isRevoked;
  private final EventLog log;
  private final DeviceGroups groups;
  private final int bufferEvents;
  private final Set<EventStreamSubscriber> subscribers = new LinkedHashSet<>();
  private final AtomicInteger subscriberCount = new AtomicInteger();
  private final AtomicLong slowConsumerCloses = new AtomicLong();
  private StreamSettings settings;

  EventStreamRoutes(Vertx vertx, AuthenticationProvider auth, Predicate<String> isRevoked, EventLog log,
      int bufferEvents, DeviceGroups groups) {
    if (bufferEvents < 1) {
      throw new IllegalArgumentException("bufferEvents must be >= 1: " + bufferEvents);
    }
    this.vertx = vertx;
    this.auth = auth;
    this.isRevoked = isRevoked;
    this.log = log;
    this.bufferEvents = bufferEvents;
    this.groups = groups;
  }

  /**
   * Mounts {@code GET /api/v1/events} on the router, streaming from the {@link EventLog} running on this
   * Vert.x instance. Call it on the context that serves the router (a verticle's {@code start}), before
   * any catch-all {@code /api/v1/*} handler: the route authenticates by itself.
   */
  public static EventStreamRoutes mount(Router router, Vertx vertx, ApiTokens tokens, Predicate<String> isRevoked,
      DeviceGroups groups) {
    EventLog log = EventLog.running(vertx);
    EventStreamRoutes routes = new EventStreamRoutes(vertx, tokens.verifier(), isRevoked, log,
        log.settings().streamBufferEvents(), groups);
    routes.mountOn(router);
    return routes;
  }

  /**
   * Options for the HTTP server that serves the stream. A subscriber closed as a slow consumer that reads
   * nothing never takes its close frame, and Vert.x closes a connection only after what is queued for it is
   * written (its public API has no abortive close): so the kernel resets a connection whose client has taken
   * nothing for {@code stallTimeout} while data waits for it ({@code TCP_USER_TIMEOUT}, which Linux also
   * applies to a zero receive window). Needs the native transport; with NIO such a connection lasts until
   * the client reads or goes away.
   */
  public static HttpServerOptions serverOptions(Duration stallTimeout) {
    return new HttpServerOptions().setTcpUserTimeout(Math.toIntExact(stallTimeout.toMillis()));
  }

  void mountOn(Router router) {
    HomeContext home = HomeContext.current(vertx);
    settings = new StreamSettings(vertx, home, log, bufferEvents, Math.min(MAX_PAGE, Math.max(1, bufferEvents / 4)));
    if (!vertx.isNativeTransportEnabled()) {
      LOG.warn("event stream: no native transport, so a subscriber that stops reading keeps its connection until "
          + "it reads again or goes away");
    }
    vertx.setPeriodic(REVOCATION_CHECK_MILLIS, t -> closeRevoked());
    vertx.eventBus().<LoggedEvent>localConsumer(EventAddresses.EVENTS, this::fanOutPublishedEvent);
    router.get(PATH).handler(new EventStreamHandshake(auth, isRevoked, log, groups,
        accepted -> home.run(() -> subscribe(accepted))));
  }

  private void subscribe(EventStreamHandshake.Accepted accepted) {
    EventStreamSubscriber s = new EventStreamSubscriber(this, accepted, settings);
    subscribers.add(s);
    subscriberCount.incrementAndGet();
    s.start(accepted.after(), accepted.expiresAt());
  }

  /** The one reader of published events here: each is encoded once and offered to every subscriber. */
  private void fanOutPublishedEvent(Message<LoggedEvent> message) {
    if (subscribers.isEmpty()) {
      return;
    }
    LoggedEvent e = message.body();
    StreamFrame frame = new StreamFrame(e.id(), e.event().type().wireName(), e.event().deviceId(),
        e.toJson().encode());
    for (EventStreamSubscriber s : subscribers.toArray(new EventStreamSubscriber[0])) {
      s.onLive(frame);
    }
  }

  /** Closes the subscriptions of tokens revoked since they subscribed (on the home context). */
  private void closeRevoked() {
    for (EventStreamSubscriber s : subscribers.toArray(new EventStreamSubscriber[0])) {
      if (isRevoked.test(s.tokenId())) {
        s.close(CLOSE_TOKEN_EXPIRED, "token revoked");
      }
    }
  }

  /** Subscribers connected now. */
  public int subscribers() {
    return subscriberCount.get();
  }

  /** Subscribers closed as slow consumers so far. */
  public long slowConsumerCloses() {
    return slowConsumerCloses.get();
  }

  void removed(EventStreamSubscriber s) {
    if (subscribers.remove(s)) {
      subscriberCount.decrementAndGet();
    }
  }

  void closedSlowConsumer() {
    slowConsumerCloses.incrementAndGet();
  }
}
