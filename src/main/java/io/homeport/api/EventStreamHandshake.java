package io.homeport.api;

import io.homeport.auth.Role;
import io.homeport.device.DeviceGroups;
import io.homeport.event.EventLog;
import io.homeport.http.Problem;
import io.homeport.http.Problems;
import io.homeport.http.QueryParams;
import io.homeport.refusal.Refusal;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/events} up to the WebSocket upgrade: finds and checks the token, reads the query and
 * answers every refusal as a problem response instead of the upgrade (see {@link EventStreamRoutes}).
 */
final class EventStreamHandshake implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(EventStreamHandshake.class);
  private static final Set<Role> ROLES = EnumSet.of(Role.ADMIN, Role.OPERATOR, Role.INTEGRATOR);
  private static final String SUBPROTOCOL = "bearer";

  /** An upgraded subscription: who subscribed, to what, from where. */
  record Accepted(ServerWebSocket ws, String subject, String tokenId, Object expiresAt, EventFilter filter,
      OptionalLong after) {}

  private record Token(String value, boolean subprotocol) {}

  private final AuthenticationProvider auth;
  private final Predicate<String> isRevoked;
  private final EventLog log;
  private final DeviceGroups groups;
  private final Handler<Accepted> accepted;

  EventStreamHandshake(AuthenticationProvider auth, Predicate<String> isRevoked, EventLog log, DeviceGroups groups,
      Handler<Accepted> accepted) {
    this.auth = auth;
    this.isRevoked = isRevoked;
    this.log = log;
    this.groups = groups;
    this.accepted = accepted;
  }

  @Override
  public void handle(RoutingContext ctx) {
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
      OptionalLong after;
      try {
        QueryParams query = QueryParams.of(ctx);
        filter = EventFilter.of(query, user.principal(), groups);
        after = query.wholeNumber("after", "an event id");
      } catch (Refusal r) {
        refuse(ctx, Problems.of(r));
        return;
      }
      if (!req.canUpgradeToWebSocket()) {
        ctx.response().headers().set("Upgrade", "websocket");
        refuse(ctx, new Problem(426, "websocket-required", "WebSocket required",
            "GET " + EventStreamRoutes.PATH + " is a WebSocket: send Connection: Upgrade and Upgrade: websocket"));
        return;
      }
      checkStored(after).onComplete(ok -> {
        if (ok.failed()) {
          refuse(ctx, ok.cause() instanceof Refusal r ? Problems.of(r)
              : new Problem(503, "event-log-unavailable", "Event log unavailable", "the event log cannot be read now"));
          return;
        }
        upgrade(ctx, token, user, filter, after);
      });
    });
  }

  /** Refuses an {@code after} beyond the newest stored id: it comes from another server's log. */
  private Future<Void> checkStored(OptionalLong after) {
    if (after.isEmpty()) {
      return Future.succeededFuture();
    }
    long id = after.getAsLong();
    return log.latestId().compose(latest -> id > latest
        ? Future.failedFuture(QueryParams.invalid("after", "after=" + id + " is beyond the newest event id "
            + latest + " (was the server's data directory replaced?)"))
        : Future.succeededFuture());
  }

  private void upgrade(RoutingContext ctx, Token token, User user, EventFilter filter, OptionalLong after) {
    if (token.subprotocol()) {
      // Netty adds these headers to the 101 answer; the server has no subprotocol list of its own
      ctx.response().headers().set("Sec-WebSocket-Protocol", SUBPROTOCOL);
    }
    ctx.request().toWebSocket().onComplete(upgraded -> {
      if (upgraded.failed()) {
        LOG.debug("event stream upgrade failed: {}", upgraded.cause().toString());
        return;
      }
      accepted.handle(new Accepted(upgraded.result(), claim(user, "sub"), user.principal().getString("jti"),
          claim(user, "exp"), filter, after));
    });
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
}
