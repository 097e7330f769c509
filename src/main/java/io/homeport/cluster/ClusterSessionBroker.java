package io.homeport.cluster;

import io.homeport.http.SessionJson;
import io.homeport.lifecycle.Lifecycle;
import io.homeport.refusal.Refusal;
import io.homeport.rendezvous.EndReport;
import io.homeport.rendezvous.PendingSessions;
import io.homeport.rendezvous.RendezvousProcessor;
import io.homeport.rendezvous.SessionBroker;
import io.homeport.rendezvous.SessionNotice;
import io.homeport.rendezvous.SessionState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster mode (DESIGN 7): one node brokers every session, the oldest member ({@link ClusterMembers#leader});
 * the others hand it what their device channel and API receive over the clustered bus and answer with what
 * it answers, so two devices held by different nodes meet in one processor. The broker's processor is
 * started when its node becomes the oldest (at start, or when the older one leaves): it picks up the
 * sessions the log holds as requested or established, and tells both devices again.
 *
 * <p>Messages are JSON: the operation and its arguments; answers carry the outcome, the notices in their
 * device-channel form, or a refusal (its kind, problem, message, field) that the asking node throws again,
 * so the device gets the same problem whichever node it reached.
 */
public final class ClusterSessionBroker implements SessionBroker, Lifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterSessionBroker.class);
  static final String ADDRESS_PREFIX = "homeport.sessions.";
  /**
   * How long an operation may take at the broker beyond a request's consent wait: well within a device's
   * own patience for a hello, so a broker that vanished costs the device one retry, not its connection.
   */
  private static final long TIMEOUT_MILLIS = 5_000;

  private final Vertx vertx;
  private final ClusterMembers members;
  private final RendezvousProcessor processor;
  private final PendingSessions pending;
  private final SessionBroker local;
  private MessageConsumer<JsonObject> consumer;
  private boolean brokering;
  /** Operations handed to each node and not answered yet: failed at once when that node leaves. */
  private final java.util.Map<String, java.util.Set<io.vertx.core.Promise<JsonObject>>> asked =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** @param pending this node's copy of the broker's marks: a hello of a device in no session asks no other node */
  public ClusterSessionBroker(Vertx vertx, ClusterMembers members, RendezvousProcessor processor,
      PendingSessions pending) {
    this.vertx = vertx;
    this.pending = pending;
    this.members = members;
    this.processor = processor;
    this.local = SessionBroker.local(processor);
  }

  @Override
  public Future<Void> start() {
    consumer = vertx.eventBus().consumer(ADDRESS_PREFIX + members.self(), this::serve);
    members.addListener((joined, left) -> {
      if (left != null) {
        java.util.Set<io.vertx.core.Promise<JsonObject>> lost = asked.remove(left);
        if (lost != null) {
          lost.forEach(p -> p.tryFail(unavailable()));
        }
      }
      vertx.runOnContext(v -> takeOverIfOldest());
    });
    return consumer.completion().compose(v -> takeOverIfOldest());
  }

  @Override
  public Future<Void> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /** Starts this node's processor when it has become the broker. */
  private synchronized Future<Void> takeOverIfOldest() {
    if (brokering || !members.isLeader()) {
      return Future.succeededFuture();
    }
    brokering = true;
    LOG.info("node {} brokers the cluster's sessions now", members.self());
    return processor.start().onFailure(e -> LOG.error("could not pick up the live sessions from the log", e));
  }

  @Override
  public Future<RendezvousProcessor.Outcome> request(String requesterId, String peer, Duration duration, Duration wait) {
    if (members.isLeader()) {
      return local.request(requesterId, peer, duration, wait);
    }
    return ask(new JsonObject().put("op", "request").put("d", requesterId).put("peer", peer)
        .put("duration", duration == null ? null : duration.toMillis()).put("wait", wait.toMillis()), wait.toMillis())
        .map(ClusterSessionBroker::outcome);
  }

  @Override
  public Future<SessionState> consent(String deviceId, String sessionId, boolean accept) {
    return members.isLeader() ? local.consent(deviceId, sessionId, accept)
        : ask(new JsonObject().put("op", "consent").put("d", deviceId).put("s", sessionId).put("accept", accept))
            .map(ClusterSessionBroker::state);
  }

  @Override
  public Future<SessionNotice.Offer> extend(String deviceId, String sessionId) {
    return members.isLeader() ? local.extend(deviceId, sessionId)
        : ask(new JsonObject().put("op", "extend").put("d", deviceId).put("s", sessionId))
            .map(a -> (SessionNotice.Offer) SessionJson.parseNotice(a.getJsonObject("offer")));
  }

  @Override
  public Future<SessionState> end(String deviceId, String sessionId, EndReport report) {
    return members.isLeader() ? local.end(deviceId, sessionId, report)
        : ask(new JsonObject().put("op", "end").put("d", deviceId).put("s", sessionId)
            .put("report", new JsonObject().put("reason", report.reason()).put("sent", report.bytesSent())
                .put("received", report.bytesReceived()).put("path", report.path()).put("at", report.at().toString())))
            .map(ClusterSessionBroker::state);
  }

  @Override
  public Future<List<SessionNotice>> take(String deviceId) {
    if (members.isLeader()) {
      return local.take(deviceId);
    }
    if (!pending.mayHaveNotices(deviceId)) {
      return Future.succeededFuture(List.of());
    }
    return ask(new JsonObject().put("op", "take").put("d", deviceId)).map(a -> {
          List<SessionNotice> notices = new ArrayList<>();
          a.getJsonArray("notices").forEach(n -> notices.add(SessionJson.parseNotice((JsonObject) n)));
          return notices;
        });
  }

  @Override
  public Future<Void> forceEnd(String sessionId, String operatorSubject) {
    return members.isLeader() ? local.forceEnd(sessionId, operatorSubject)
        : ask(new JsonObject().put("op", "force-end").put("s", sessionId).put("by", operatorSubject)).mapEmpty();
  }

  private Future<JsonObject> ask(JsonObject operation) {
    return ask(operation, 0);
  }

  /** Hands the operation to the broker; {@code waitMillis} is how long it may wait for a device's consent. */
  private Future<JsonObject> ask(JsonObject operation, long waitMillis) {
    String broker = members.leader();
    io.vertx.core.Promise<JsonObject> answer = io.vertx.core.Promise.promise();
    java.util.Set<io.vertx.core.Promise<JsonObject>> pending = asked.computeIfAbsent(broker,
        k -> java.util.concurrent.ConcurrentHashMap.newKeySet());
    pending.add(answer);
    vertx.eventBus().<JsonObject>request(ADDRESS_PREFIX + broker, operation,
            new DeliveryOptions().setSendTimeout(waitMillis + TIMEOUT_MILLIS))
        .onComplete(ar -> {
          pending.remove(answer);
          if (ar.succeeded()) {
            answer.tryComplete(ar.result().body());
          } else if (ar.cause() instanceof ReplyException r && r.failureCode() == REFUSED) {
            answer.tryFail(refusal(new JsonObject(r.getMessage())));
          } else {
            LOG.warn("session broker {} did not answer {}: {}", broker, operation.getString("op"),
                ar.cause().getMessage());
            answer.tryFail(unavailable());
          }
        });
    return answer.future();
  }

  private static Refusal unavailable() {
    return new Refusal.Unavailable("session-broker-unavailable", "the node brokering sessions did not answer; try again");
  }

  /** Runs what another node handed over on this node's processor. */
  private void serve(Message<JsonObject> msg) {
    JsonObject op = msg.body();
    if (!members.isLeader()) {
      msg.fail(REFUSED, refusalJson(new Refusal.Unavailable("session-broker-moved",
          "sessions are brokered by another node now; try again")).encode());
      return;
    }
    String deviceId = op.getString("d");
    String sessionId = op.getString("s");
    Future<JsonObject> answer = switch (op.getString("op")) {
      case "request" -> local.request(deviceId, op.getString("peer"),
          op.getLong("duration") == null ? null : Duration.ofMillis(op.getLong("duration")),
          Duration.ofMillis(op.getLong("wait"))).map(ClusterSessionBroker::outcomeJson);
      case "consent" -> local.consent(deviceId, sessionId, op.getBoolean("accept")).map(ClusterSessionBroker::stateJson);
      case "extend" -> local.extend(deviceId, sessionId).map(o -> new JsonObject().put("offer", SessionJson.notice(o)));
      case "end" -> {
        JsonObject r = op.getJsonObject("report");
        yield local.end(deviceId, sessionId, new EndReport(r.getString("reason"), r.getLong("sent"),
            r.getLong("received"), r.getString("path"), Instant.parse(r.getString("at"))))
            .map(ClusterSessionBroker::stateJson);
      }
      case "take" -> local.take(deviceId).map(notices -> {
        JsonArray list = new JsonArray();
        notices.forEach(n -> list.add(SessionJson.notice(n)));
        return new JsonObject().put("notices", list);
      });
      case "force-end" -> local.forceEnd(sessionId, op.getString("by")).map(v -> new JsonObject());
      default -> Future.failedFuture(new IllegalArgumentException("unknown session operation " + op.getString("op")));
    };
    answer.onComplete(ar -> {
      if (ar.succeeded()) {
        msg.reply(ar.result());
      } else if (ar.cause() instanceof Refusal refusal) {
        msg.fail(REFUSED, refusalJson(refusal).encode());
      } else {
        LOG.warn("session operation {} from another node failed", op.getString("op"), ar.cause());
        msg.fail(FAILED, ar.cause().getMessage() == null ? ar.cause().toString() : ar.cause().getMessage());
      }
    });
  }

  private static final int REFUSED = 409;
  private static final int FAILED = 500;

  private static JsonObject outcomeJson(RendezvousProcessor.Outcome o) {
    if (o instanceof RendezvousProcessor.Offered offered) {
      return new JsonObject().put("o", "offered").put("offer", SessionJson.notice(offered.offer()));
    }
    return new JsonObject().put("o", o instanceof RendezvousProcessor.Waiting ? "waiting" : "refused")
        .put("id", o.sessionId());
  }

  private static RendezvousProcessor.Outcome outcome(JsonObject a) {
    return switch (a.getString("o")) {
      case "offered" -> {
        SessionNotice.Offer offer = (SessionNotice.Offer) SessionJson.parseNotice(a.getJsonObject("offer"));
        yield new RendezvousProcessor.Offered(offer.sessionId(), offer);
      }
      case "waiting" -> new RendezvousProcessor.Waiting(a.getString("id"));
      default -> new RendezvousProcessor.Refused(a.getString("id"));
    };
  }

  private static JsonObject stateJson(SessionState state) {
    return new JsonObject().put("state", state.wireName());
  }

  private static SessionState state(JsonObject a) {
    return SessionState.fromWireName(a.getString("state")).orElseThrow();
  }

  static JsonObject refusalJson(Refusal r) {
    return new JsonObject().put("kind", r.getClass().getSimpleName()).put("problem", r.problem())
        .put("message", r.getMessage()).put("field", r.field())
        .put("retryAfter", r instanceof Refusal.TooMany t ? t.retryAfterSeconds() : null);
  }

  /** The refusal {@link #refusalJson} described, of the same kind. */
  static Refusal refusal(JsonObject j) {
    String problem = j.getString("problem");
    String message = j.getString("message");
    return switch (j.getString("kind")) {
      case "Invalid" -> new Refusal.Invalid(problem, message, j.getString("field"));
      case "Unauthenticated" -> new Refusal.Unauthenticated(problem, message);
      case "Forbidden" -> new Refusal.Forbidden(problem, message);
      case "NotFound" -> new Refusal.NotFound(problem, message);
      case "Gone" -> new Refusal.Gone(problem, message);
      case "TooMany" -> new Refusal.TooMany(problem, message, j.getInteger("retryAfter", 60));
      case "Unavailable" -> new Refusal.Unavailable(problem, message);
      default -> new Refusal.Conflict(problem, message);
    };
  }
}
