package io.homeport.api;

import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayDeque;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One event-stream connection: its bounded queue, written only as fast as the socket takes it, and its
 * close codes (see {@link EventStreamRoutes}). Where its events come from, the log or live, is its
 * {@link ReplayThenLive}. Touched on the {@link HomeContext} only.
 */
final class EventStreamSubscriber {
  private static final Logger LOG = LoggerFactory.getLogger(EventStreamSubscriber.class);

  private final ServerWebSocket ws;
  private final EventFilter filter;
  private final String subject;
  /** The token's {@code jti}, to notice its revocation. */
  private final String tokenId;
  /** Events queued at most: frames not yet written plus frames written that the socket has not taken. */
  private final int limit;
  private final Vertx vertx;
  private final HomeContext home;
  private final EventStreamRoutes routes;
  private final ReplayThenLive source;
  /** Every event with an id up to this was sent, queued or filtered out. */
  private long cursor;
  /** The id of the last event written to the socket (or where the subscription started). */
  private long lastWritten;
  /** Matching events not yet written to the socket. */
  private final ArrayDeque<StreamFrame> out = new ArrayDeque<>();
  /** Frames written to the socket whose write has not completed (still in its queue). */
  private int inSocket;
  private boolean closed;
  private long expiryTimer = -1;

  EventStreamSubscriber(EventStreamRoutes routes, EventStreamHandshake.Accepted accepted, StreamSettings settings) {
    this.routes = routes;
    this.ws = accepted.ws();
    this.filter = accepted.filter();
    this.subject = accepted.subject();
    this.tokenId = accepted.tokenId();
    this.limit = settings.bufferEvents();
    this.vertx = settings.vertx();
    this.home = settings.home();
    this.source = new ReplayThenLive(this, settings);
  }

  /**
   * Starts streaming: from the log after {@code after}, or live from now when it is empty; closes when the
   * token expires ({@code exp} claim, seconds).
   */
  void start(OptionalLong after, Object tokenExpiresAt) {
    ws.textMessageHandler(ignored -> {});
    ws.binaryMessageHandler(ignored -> {});
    ws.exceptionHandler(e -> LOG.debug("event stream socket of {}: {}", subject, e.toString()));
    ws.closeHandler(v -> home.run(this::gone));
    ws.drainHandler(v -> home.run(this::pump));
    if (ws.isClosed()) { // gone before it was registered: its close handler will not run
      gone();
      return;
    }
    if (tokenExpiresAt instanceof Number seconds) {
      long delay = Math.max(1, seconds.longValue() * 1000 - System.currentTimeMillis());
      expiryTimer = vertx.setTimer(delay,
          t -> home.run(() -> close(EventStreamRoutes.CLOSE_TOKEN_EXPIRED, "token expired")));
    }
    LOG.debug("event stream subscriber {} ({}) after={}", subject, filter,
        after.isPresent() ? after.getAsLong() : "-");
    if (after.isPresent()) {
      startAt(after.getAsLong());
      source.continueReplay();
    } else {
      source.liveFromNewest();
    }
  }

  String tokenId() {
    return tokenId;
  }

  String subject() {
    return subject;
  }

  boolean closed() {
    return closed;
  }

  int queued() {
    return out.size() + inSocket;
  }

  /** Events up to this id are behind the subscriber. */
  void startAt(long id) {
    cursor = id;
    lastWritten = id;
  }

  /** Whether the event is new to this subscriber; it is then behind it. */
  boolean pass(long id) {
    if (id <= cursor) {
      return false;
    }
    cursor = id;
    return true;
  }

  long cursor() {
    return cursor;
  }

  boolean matches(String type, String deviceId) {
    return filter.matches(type, deviceId);
  }

  /** Queues a frame without writing yet. */
  void queue(StreamFrame f) {
    out.add(f);
  }

  void onLive(StreamFrame f) {
    if (closed || !filter.matches(f.type(), f.deviceId()) || source.hold(f) || !pass(f.id())) {
      return;
    }
    out.add(f);
    pump();
    closeIfTooFarBehind();
  }

  /** Writes queued frames while the socket takes them, then lets the replay read on when there is room. */
  void pump() {
    if (closed) {
      return;
    }
    while (!out.isEmpty() && !ws.writeQueueFull()) {
      StreamFrame f = out.poll();
      inSocket++;
      lastWritten = f.id();
      ws.writeTextMessage(f.text()).onComplete(this::written);
      if (closed) {
        return;
      }
    }
    source.continueReplay();
  }

  private void written(AsyncResult<Void> ar) {
    home.run(() -> {
      inSocket--;
      if (!closed && ar.succeeded()) {
        source.continueReplay();
      }
    });
  }

  /** A live subscriber further behind than its queue takes is closed as a slow consumer. */
  void closeIfTooFarBehind() {
    if (!closed && queued() > limit) {
      LOG.info("event stream: closing slow consumer {} with {} events queued (resume after={})", subject,
          queued(), lastWritten);
      close(EventStreamRoutes.CLOSE_SLOW_CONSUMER, "slow consumer");
      routes.closedSlowConsumer();
    }
  }

  /**
   * Closes with a code and a reason that says where to resume. The close frame waits behind what the client
   * has not read: a client that reads nothing never gets it, and its connection is reset by the kernel
   * instead (see {@link EventStreamRoutes#serverOptions}).
   */
  void close(short code, String why) {
    if (closed) {
      return;
    }
    String reason = why + "; resume with after=" + lastWritten;
    gone();
    ws.close(code, reason).onFailure(e -> LOG.debug("closing the event stream of {}: {}", subject, e.toString()));
  }

  /** Forgets the subscriber (closed by us or by the client). */
  private void gone() {
    if (closed) {
      return;
    }
    closed = true;
    out.clear();
    source.release();
    if (expiryTimer >= 0) {
      vertx.cancelTimer(expiryTimer);
    }
    routes.removed(this);
  }
}
