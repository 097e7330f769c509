package io.homeport.devicechannel;

import io.homeport.http.JsonBodies;
import io.homeport.http.SessionJson;
import io.homeport.rendezvous.EndReport;
import io.homeport.rendezvous.RendezvousProcessor;
import io.homeport.rendezvous.SessionBroker;
import io.homeport.rendezvous.SessionState;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.function.Function;

/**
 * The session routes of the device channel (DESIGN 5): request, consent, extend, end. The device is
 * the one its certificate names; a session id of a session the device is not part of is not found.
 */
final class SessionRoutes {
  static final Set<String> PATHS = Set.of("direct", "relay", "turn", "none");

  private final SessionBroker sessions;
  private final Clock clock;
  private final String deviceIdKey;
  private final Duration defaultWait;

  /** @param defaultWait how long a request waits for consent when it names no wait */
  SessionRoutes(SessionBroker sessions, Clock clock, String deviceIdKey, Duration defaultWait) {
    this.sessions = sessions;
    this.clock = clock;
    this.deviceIdKey = deviceIdKey;
    this.defaultWait = defaultWait;
  }

  void mount(Router router) {
    router.post("/device/v1/sessions").handler(this::request);
    router.post("/device/v1/sessions/:id/consent").handler(this::consent);
    router.post("/device/v1/sessions/:id/extend").handler(this::extend);
    router.post("/device/v1/sessions/:id/end").handler(this::end);
  }

  /**
   * {@code {"peer", "duration"?, "wait"?}}: 200 with the requester's offer, 202 {@code {id, state:
   * requested}} while the target has not answered within the wait, or the one {@code session-refused}.
   */
  private void request(RoutingContext ctx) {
    JsonObject body = JsonBodies.object(ctx);
    JsonBodies.onlyFields(body, Set.of("peer", "duration", "wait"));
    String peer = JsonBodies.requiredString(body, "peer");
    if (peer.length() > 64) {
      throw JsonBodies.invalid("peer", "'peer' must be a device id or name of at most 64 characters");
    }
    Duration duration = body.containsKey("duration") ? JsonBodies.positiveDuration(body.getValue("duration"),
        "duration", "'duration' must be a positive number of seconds or a duration such as 30m") : null;
    Duration wait = defaultWait;
    if (body.containsKey("wait")) {
      if (!(body.getValue("wait") instanceof Integer n) || n < 0 || n > DeviceChannelVerticle.MAX_WAIT_SECONDS) {
        throw JsonBodies.invalid("wait", "'wait' must be 0 to " + DeviceChannelVerticle.MAX_WAIT_SECONDS + " seconds");
      }
      wait = Duration.ofSeconds(n);
    }
    sessions.request(ctx.get(deviceIdKey), peer, duration, wait).onComplete(r -> {
      if (r.failed()) {
        ctx.fail(r.cause());
      } else if (r.result() instanceof RendezvousProcessor.Offered offered) {
        ctx.json(SessionJson.notice(offered.offer()));
      } else if (r.result() instanceof RendezvousProcessor.Waiting waiting) {
        ctx.response().setStatusCode(202);
        ctx.json(new JsonObject().put("id", waiting.sessionId()).put("state", "requested"));
      } else {
        SessionJson.REFUSED.send(ctx);
      }
    });
  }

  /** {@code {"accept": true|false}} from the target of a device-mode request. */
  private void consent(RoutingContext ctx) {
    JsonObject body = JsonBodies.object(ctx);
    JsonBodies.onlyFields(body, Set.of("accept"));
    if (!(body.getValue("accept") instanceof Boolean accept)) {
      throw JsonBodies.invalid("accept", "'accept' is required: true or false");
    }
    String id = ctx.pathParam("id");
    answer(ctx, sessions.consent(ctx.get(deviceIdKey), id, accept), state -> state(id, state));
  }

  /** Answers with the device's offer carrying the new expiry. */
  private void extend(RoutingContext ctx) {
    JsonBodies.onlyFields(JsonBodies.object(ctx), Set.of());
    answer(ctx, sessions.extend(ctx.get(deviceIdKey), ctx.pathParam("id")), SessionJson::notice);
  }

  /** {@code {"reason", "bytesSent", "bytesReceived", "path"}}: ends the session, or reports its end. */
  private void end(RoutingContext ctx) {
    JsonObject body = JsonBodies.object(ctx);
    JsonBodies.onlyFields(body, Set.of("reason", "bytesSent", "bytesReceived", "path"));
    String reason = JsonBodies.requiredString(body, "reason");
    if (reason.length() > EndReport.MAX_REASON) {
      throw JsonBodies.invalid("reason", "'reason' must be at most " + EndReport.MAX_REASON + " characters");
    }
    String path = JsonBodies.requiredString(body, "path");
    if (!PATHS.contains(path)) {
      throw JsonBodies.invalid("path", "'path' must be one of direct, relay, turn, none");
    }
    EndReport report = new EndReport(reason, count(body, "bytesSent"), count(body, "bytesReceived"), path,
        clock.instant());
    String id = ctx.pathParam("id");
    answer(ctx, sessions.end(ctx.get(deviceIdKey), id, report), state -> state(id, state));
  }

  private static <T> void answer(RoutingContext ctx, io.vertx.core.Future<T> result, Function<T, JsonObject> json) {
    result.onComplete(r -> {
      if (r.failed()) {
        ctx.fail(r.cause());
      } else {
        ctx.json(json.apply(r.result()));
      }
    });
  }

  private static JsonObject state(String id, SessionState state) {
    return new JsonObject().put("id", id).put("state", state.wireName());
  }

  private static long count(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < 0) {
      throw JsonBodies.invalid(field, "'" + field + "' is required: a byte count, 0 or more");
    }
    return ((Number) v).longValue();
  }
}
