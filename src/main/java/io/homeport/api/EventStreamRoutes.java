package io.homeport.api;

import io.homeport.auth.ApiTokens;
import io.homeport.device.DeviceGroups;
import io.homeport.auth.Role;
import io.homeport.event.EventAddresses;
import io.homeport.event.LoggedEvent;
import io.homeport.event.EventLog;
import io.homeport.event.StoredEvent;
import io.homeport.http.JsonBodies;
import io.homeport.http.Problem;
import io.homeport.http.ProblemException;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayDeque;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
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
 * read up to the close frame within {@value #CLOSE_GRACE_MILLIS} ms loses its TCP connection.
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
 */
public final class EventStreamRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(EventStreamRoutes.class);

  public static final String PATH = "/api/v1/events";
  public static final short CLOSE_SLOW_CONSUMER = 4008;
  public static final short CLOSE_TOKEN_EXPIRED = 4001;
  public static final short CLOSE_LOG_UNAVAILABLE = 1011;
  /** How often connected subscribers' tokens are checked against the revoked ones. */
  static final long REVOCATION_CHECK_MILLIS = 2_000;
  /** How long a closed subscriber has to read up to the close frame before its connection is dropped. */
  static final long CLOSE_GRACE_MILLIS = 30_000;
  /** Events read from the log at once, at most. */
  static final int MAX_PAGE = 500;
  private static final Set<Role> ROLES = EnumSet.of(Role.ADMIN, Role.OPERATOR, Role.INTEGRATOR);
  private static final String SUBPROTOCOL = "bearer";

  private final Vertx vertx;
  private final AuthenticationProvider auth;
  private final Predicate<String> isRevoked;
  private final EventLog log;
  private final DeviceGroups groups;
  private final int limit;
  private final int page;
  private final long closeGraceMillis;
  private final Set<Subscriber> subscribers = new LinkedHashSet<>();
  private final AtomicInteger subscriberCount = new AtomicInteger();
  private final AtomicLong slowConsumerCloses = new AtomicLong();
  private Context home;
  private Thread homeThread;

  EventStreamRoutes(Vertx vertx, AuthenticationProvider auth, Predicate<String> isRevoked, EventLog log,
      int bufferEvents, long closeGraceMillis) {
    this(vertx, auth, isRevoked, log, bufferEvents, closeGraceMillis, new DeviceGroups());
  }

  EventStreamRoutes(Vertx vertx, AuthenticationProvider auth, Predicate<String> isRevoked, EventLog log,
      int bufferEvents, long closeGraceMillis, DeviceGroups groups) {
    this.groups = groups;
    if (bufferEvents < 1) {
      throw new IllegalArgumentException("bufferEvents must be >= 1: " + bufferEvents);
    }
    this.closeGraceMillis = closeGraceMillis;
    this.vertx = vertx;
    this.auth = auth;
    this.isRevoked = isRevoked;
    this.log = log;
    this.limit = bufferEvents;
    this.page = Math.min(MAX_PAGE, Math.max(1, bufferEvents / 4));
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
        log.settings().streamBufferEvents(), CLOSE_GRACE_MILLIS, groups);
    routes.mountOn(router);
    return routes;
  }

  void mountOn(Router router) {
    if (!Context.isOnEventLoopThread()) {
      throw new IllegalStateException("mount the event stream on an event loop, from a verticle's start");
    }
    home = vertx.getOrCreateContext();
    homeThread = Thread.currentThread();
    vertx.setPeriodic(REVOCATION_CHECK_MILLIS, t -> closeRevoked());
    vertx.eventBus().<LoggedEvent>consumer(EventAddresses.EVENTS, this::onEvent);
    router.get(PATH).handler(this::subscribe);
  }

  /** Closes the subscriptions of tokens revoked since they subscribed (on the home context). */
  private void closeRevoked() {
    for (Subscriber s : subscribers.toArray(new Subscriber[0])) {
      if (isRevoked.test(s.tokenId)) {
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

  // -------------------------------------------------------------------------------- subscribing

  private record Token(String value, boolean subprotocol) {}

  private void subscribe(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    Token token = token(req);
    if (token == null) {
      refuse(ctx, unauthenticated("a bearer token is required: an Authorization: Bearer header, the access_token "
          + "query parameter, or the subprotocols 'bearer, <token>'"));
      return;
    }
    req.pause(); // the request's end must still be unread when the upgrade is made, after the checks below
    auth.authenticate(new TokenCredentials(token.value())).onComplete(authenticated -> {
      if (authenticated.failed()) {
        refuse(ctx, unauthenticated("the token is invalid or expired"));
        return;
      }
      User user = authenticated.result();
      if (isRevoked.test(user.principal().getString("jti"))) {
        refuse(ctx, new Problem(401, "token-revoked", "Token revoked", "this token was revoked; ask an admin for a new one"));
        return;
      }
      Role role = Role.fromClaim(user.principal().getString("role")).orElse(null);
      if (role == null || !ROLES.contains(role)) {
        refuse(ctx, new Problem(403, "forbidden", "Forbidden", "the event stream needs one of the roles "
            + ROLES.stream().map(Role::claim).toList()));
        return;
      }
      EventFilter filter;
      long after;
      try {
        filter = EventFilter.of(ctx.queryParam("types"), ctx.queryParam("devices"), user.principal(), groups);
        after = afterParam(ctx.queryParam("after"));
      } catch (ProblemException e) {
        refuse(ctx, e.problem());
        return;
      }
      if (!req.canUpgradeToWebSocket()) {
        ctx.response().headers().set("Upgrade", "websocket");
        refuse(ctx, new Problem(426, "websocket-required", "WebSocket required",
            "GET " + PATH + " is a WebSocket: send Connection: Upgrade and Upgrade: websocket"));
        return;
      }
      Future<Long> checked = after < 0 ? Future.succeededFuture(-1L) : log.latestId().compose(latest -> after > latest
          ? Future.failedFuture(JsonBodies.invalid("after", "after=" + after + " is beyond the newest event id "
              + latest + " (was the server's data directory replaced?)"))
          : Future.succeededFuture(after));
      checked.onComplete(ok -> {
        if (ok.failed()) {
          refuse(ctx, ok.cause() instanceof ProblemException pe ? pe.problem()
              : new Problem(503, "event-log-unavailable", "Event log unavailable", "the event log cannot be read now"));
          return;
        }
        upgrade(ctx, token, user, filter, after);
      });
    });
  }

  private void upgrade(RoutingContext ctx, Token token, User user, EventFilter filter, long after) {
    if (token.subprotocol()) {
      // Netty adds these headers to the 101 answer; the server has no subprotocol list of its own
      ctx.response().headers().set("Sec-WebSocket-Protocol", SUBPROTOCOL);
    }
    HttpConnection connection = ctx.request().connection();
    ctx.request().toWebSocket().onComplete(upgraded -> {
      if (upgraded.failed()) {
        LOG.debug("event stream upgrade failed: {}", upgraded.cause().toString());
        return;
      }
      onHome(() -> start(upgraded.result(), connection, user, filter, after));
    });
  }

  private void start(ServerWebSocket ws, HttpConnection connection, User user, EventFilter filter, long after) {
    Subscriber s = new Subscriber(ws, connection, filter, claim(user, "sub"), user.principal().getString("jti"));
    subscribers.add(s);
    subscriberCount.incrementAndGet();
    ws.textMessageHandler(ignored -> {});
    ws.binaryMessageHandler(ignored -> {});
    ws.exceptionHandler(e -> LOG.debug("event stream socket of {}: {}", s.subject, e.toString()));
    ws.closeHandler(v -> onHome(() -> s.gone()));
    ws.drainHandler(v -> onHome(s::pump));
    if (ws.isClosed()) { // gone before it was registered: its close handler will not run
      s.gone();
      return;
    }
    Object exp = claim(user, "exp");
    if (exp instanceof Number seconds) {
      long delay = Math.max(1, seconds.longValue() * 1000 - System.currentTimeMillis());
      s.expiryTimer = vertx.setTimer(delay, t -> onHome(() -> s.close(CLOSE_TOKEN_EXPIRED, "token expired")));
    }
    LOG.debug("event stream subscriber {} ({}) after={}", s.subject, filter, after < 0 ? "-" : after);
    if (after >= 0) {
      s.cursor = after;
      s.lastWritten = after;
      s.continueReplay();
    } else {
      // live from now: events up to the newest stored id are not sent
      s.reading = true; // no replay read meanwhile
      log.latestId().onComplete(latest -> onHome(() -> {
        s.reading = false;
        if (latest.failed()) {
          s.close(CLOSE_LOG_UNAVAILABLE, "event log unavailable");
        } else {
          s.cursor = latest.result();
          s.lastWritten = latest.result();
          s.goLive();
        }
      }));
    }
  }

  /** A registered claim: vertx-auth-jwt keeps exp, iat, nbf and sub among the user's attributes. */
  @SuppressWarnings("unchecked")
  private static <T> T claim(User user, String name) {
    Object value = user.attributes().getValue(name);
    return (T) (value != null ? value : user.principal().getValue(name));
  }

  /** The token, from the header, the subprotocols or the query, in that order; null when none. */
  private static Token token(HttpServerRequest req) {
    String header = req.getHeader("Authorization");
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) && !header.substring(7).isBlank()) {
      return new Token(header.substring(7).trim(), false);
    }
    String protocols = req.getHeader("Sec-WebSocket-Protocol");
    if (protocols != null) {
      String[] list = protocols.split(",");
      for (int i = 0; i + 1 < list.length; i++) {
        if (list[i].trim().toLowerCase(Locale.ROOT).equals(SUBPROTOCOL) && !list[i + 1].isBlank()) {
          return new Token(list[i + 1].trim(), true);
        }
      }
    }
    String query = req.getParam("access_token");
    if (query != null && !query.isBlank()) {
      return new Token(query.trim(), false);
    }
    return null;
  }

  private static long afterParam(List<String> values) {
    if (values.isEmpty()) {
      return -1;
    }
    String v = values.get(values.size() - 1).trim();
    try {
      long after = Long.parseLong(v);
      if (after >= 0) {
        return after;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw JsonBodies.invalid("after", "after must be an event id (a whole number >= 0), got '"
        + (v.length() > 40 ? v.substring(0, 40) + "..." : v) + "'");
  }

  private static Problem unauthenticated(String detail) {
    return new Problem(401, "unauthenticated", "Unauthenticated", detail);
  }

  private static void refuse(RoutingContext ctx, Problem problem) {
    if (problem.status() == 401) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
    }
    ctx.request().resume();
    problem.send(ctx);
  }

  /**
   * Closes the TCP connection at once, discarding what the client did not read. Vert.x only starts its own
   * closing timeout once the close frame is sent, which never happens while a client reads nothing; the
   * close starts at the head of the Netty pipeline, below Vert.x's handler that would wait for the queued
   * frames. Uses the connection's channel (vertx-core's connection implementation); without it, a plain
   * close.
   */
  private static void drop(ServerWebSocket ws, HttpConnection connection) {
    if (connection instanceof ConnectionBase base && base.channel().pipeline().firstContext() != null) {
      base.channel().pipeline().firstContext().close();
    } else {
      ws.close();
    }
  }

  /**
   * Runs the action with the subscribers' state: at once on the home event loop thread (every context
   * on it, such as the duplicated contexts of requests and messages, runs one thing at a time), else on it.
   */
  private void onHome(Runnable action) {
    if (Thread.currentThread() == homeThread) {
      action.run();
    } else {
      home.runOnContext(v -> action.run());
    }
  }

  // --------------------------------------------------------------------------------- live events

  /** One event, encoded once for every subscriber. */
  private record Frame(long id, String type, String deviceId, String text) {}

  private void onEvent(Message<LoggedEvent> message) {
    if (subscribers.isEmpty()) {
      return;
    }
    LoggedEvent e = message.body();
    Frame frame = new Frame(e.id(), e.event().type().wireName(), e.event().deviceId(), e.toJson().encode());
    for (Subscriber s : subscribers.toArray(new Subscriber[0])) {
      s.onLive(frame);
    }
  }

  // --------------------------------------------------------------------------------- subscriber

  /** One connection; touched on the home context only. */
  private final class Subscriber {
    final ServerWebSocket ws;
    /** The HTTP connection the socket was upgraded from: the same TCP connection. */
    final HttpConnection connection;
    final EventFilter filter;
    final String subject;
    /** The token's {@code jti}, to notice its revocation. */
    final String tokenId;
    /** Every event with an id up to this was sent, queued or filtered out. */
    long cursor;
    /** The id of the last event written to the socket (or where the subscription started). */
    long lastWritten;
    /** Matching events not yet written to the socket. */
    final ArrayDeque<Frame> out = new ArrayDeque<>();
    /** Frames written to the socket whose write has not completed (still in its queue). */
    int inSocket;
    /** Until the log's end is reached (from the start: also without after=, until the newest id is known). */
    boolean replaying = true;
    boolean reading;
    /** Live events that arrived while replaying. */
    ArrayDeque<Frame> held = new ArrayDeque<>();
    /** Incremented whenever held events are dropped: a read started before must not end the replay. */
    int heldDrops;
    boolean closed;
    long expiryTimer = -1;

    Subscriber(ServerWebSocket ws, HttpConnection connection, EventFilter filter, String subject, String tokenId) {
      this.ws = ws;
      this.connection = connection;
      this.tokenId = tokenId;
      this.filter = filter;
      this.subject = subject;
    }

    int queued() {
      return out.size() + inSocket;
    }

    void onLive(Frame f) {
      if (closed || !filter.matches(f.type(), f.deviceId())) {
        return;
      }
      if (replaying) {
        held.add(f);
        // budget while replaying: half for held events, half for the replay's own frames
        if (held.size() > limit / 2) {
          held.clear();
          heldDrops++;
        }
        return;
      }
      if (f.id() <= cursor) {
        return;
      }
      cursor = f.id();
      out.add(f);
      pump();
      if (!closed && queued() > limit) {
        slowConsumer();
      }
    }

    void pump() {
      if (closed) {
        return;
      }
      while (!out.isEmpty() && !ws.writeQueueFull()) {
        Frame f = out.poll();
        inSocket++;
        lastWritten = f.id();
        ws.writeTextMessage(f.text()).onComplete(this::written);
        if (closed) {
          return;
        }
      }
      continueReplay();
    }

    private void written(AsyncResult<Void> ar) {
      onHome(() -> {
        inSocket--;
        if (!closed && ar.succeeded()) {
          continueReplay();
        }
      });
    }

    /** Reads the next page of the log when replaying and there is room for it. */
    void continueReplay() {
      if (closed || !replaying || reading || queued() + page > limit - limit / 2) {
        return;
      }
      reading = true;
      int drops = heldDrops;
      long from = cursor;
      log.readAfter(from, page).onComplete(ar -> onHome(() -> replayed(ar, drops)));
    }

    private void replayed(AsyncResult<List<StoredEvent>> ar, int dropsBefore) {
      reading = false;
      if (closed) {
        return;
      }
      if (ar.failed()) {
        LOG.warn("event stream: cannot read the event log for {}: {}", subject, ar.cause().toString());
        close(CLOSE_LOG_UNAVAILABLE, "event log unavailable");
        return;
      }
      List<StoredEvent> events = ar.result();
      for (StoredEvent e : events) {
        if (e.id() > cursor) {
          cursor = e.id();
          if (filter.matches(e.type(), e.deviceId())) {
            out.add(new Frame(e.id(), e.type(), e.deviceId(), e.toJson().encode()));
          }
        }
      }
      if (events.size() < page && heldDrops == dropsBefore) {
        goLive();
      } else {
        pump();
      }
    }

    /** The log's end was reached: the held live events with greater ids follow, then live ones. */
    void goLive() {
      if (closed) {
        return;
      }
      replaying = false;
      for (Frame f : held) {
        if (f.id() > cursor) {
          cursor = f.id();
          out.add(f);
        }
      }
      held = null;
      pump();
      if (!closed && queued() > limit) {
        slowConsumer();
      }
    }

    void slowConsumer() {
      LOG.info("event stream: closing slow consumer {} with {} events queued (resume after={})", subject,
          queued(), lastWritten);
      close(CLOSE_SLOW_CONSUMER, "slow consumer");
      slowConsumerCloses.incrementAndGet();
    }

    void close(short code, String why) {
      if (closed) {
        return;
      }
      String reason = why + "; resume with after=" + lastWritten;
      gone();
      ws.close(code, reason).onFailure(e -> LOG.debug("closing the event stream of {}: {}", subject, e.toString()));
      // the close frame waits behind what the client has not read; a client that reads nothing never gets it
      vertx.setTimer(closeGraceMillis, t -> {
        if (!ws.isClosed()) {
          LOG.info("event stream: {} did not read up to the close frame within {} ms; dropping the connection",
              subject, closeGraceMillis);
          drop(ws, connection);
        }
      });
    }

    /** Forgets the subscriber (closed by us or by the client). */
    void gone() {
      if (closed) {
        return;
      }
      closed = true;
      out.clear();
      held = null;
      if (expiryTimer >= 0) {
        vertx.cancelTimer(expiryTimer);
      }
      if (subscribers.remove(this)) {
        subscriberCount.decrementAndGet();
      }
    }
  }
}
