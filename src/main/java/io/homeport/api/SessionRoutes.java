package io.homeport.api;

import io.homeport.auth.Scope;
import io.homeport.device.DeviceGroups;
import io.homeport.http.QueryParams;
import io.homeport.http.Replies;
import io.homeport.http.SessionJson;
import io.homeport.rendezvous.RendezvousProcessor;
import io.homeport.rendezvous.Session;
import io.homeport.rendezvous.SessionQuery;
import io.homeport.rendezvous.SessionState;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.HashSet;
import java.util.Set;

/**
 * The session log (DESIGN 5): listed and read by every role, limited tokens seeing only sessions of
 * their devices; an operator ends an established session with DELETE (both devices get an end order).
 */
final class SessionRoutes {
  private final RendezvousProcessor sessions;
  private final io.homeport.rendezvous.SessionBroker broker;
  private final DeviceGroups groups;

  /** @param sessions reads the session log; @param broker ends sessions (in a cluster, on the node brokering them) */
  SessionRoutes(RendezvousProcessor sessions, io.homeport.rendezvous.SessionBroker broker, DeviceGroups groups) {
    this.sessions = sessions;
    this.broker = broker;
    this.groups = groups;
  }

  void mount(Router router, Authorize read, Authorize write) {
    router.get("/api/v1/sessions").handler(read).handler(this::list);
    router.get("/api/v1/sessions/:id").handler(read).handler(this::get);
    router.delete("/api/v1/sessions/:id").handler(write).handler(this::end);
  }

  /** {@code ?device=&state=&offset=&limit=}, newest request first. */
  private void list(RoutingContext ctx) {
    QueryParams query = QueryParams.of(ctx);
    Page page = Page.of(query);
    String device = query.has("device") ? query.list("device").get(0) : null;
    SessionState state = null;
    if (query.has("state")) {
      String name = query.list("state").get(0);
      state = SessionState.fromWireName(name).orElseThrow(() -> QueryParams.invalid("state",
          "query parameter 'state' must be one of requested, established, ended, rejected"));
    }
    Scope scope = Scope.of(ctx.user(), groups);
    sessions.list(new SessionQuery(device, state, visibleTo(scope), page.offset(), page.limit()))
        .onComplete(r -> Replies.json(ctx, r.map(found -> {
          JsonArray items = new JsonArray();
          found.forEach(s -> items.add(SessionJson.log(s)));
          return page.answer(items);
        })));
  }

  private void get(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    Scope scope = Scope.of(ctx.user(), groups);
    visible(id, scope).onComplete(r -> Replies.json(ctx, r.map(SessionJson::log)));
  }

  /** Ends the session on an operator's order; the log names the token's subject. */
  private void end(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    Scope scope = Scope.of(ctx.user(), groups);
    String subject = ctx.user().principal().getString("sub", "unknown");
    visible(id, scope).compose(s -> broker.forceEnd(s.id(), subject))
        .compose(ended -> visible(id, scope))
        .onComplete(r -> Replies.json(ctx, r.map(SessionJson::log)));
  }

  /** The session if the token may see it; not found otherwise, the same as for no session. */
  private Future<Session> visible(String id, Scope scope) {
    return sessions.find(id).compose(found -> found.isPresent()
        && (scope.sees(found.get().requesterId()) || (found.get().targetId() != null && scope.sees(found.get().targetId())))
        ? Future.succeededFuture(found.get()) : Future.failedFuture(Replies.notFound("session", id)));
  }

  /** The devices a limited token sees (its devices and the members of its groups now); null when not limited. */
  private Set<String> visibleTo(Scope scope) {
    if (!scope.limited()) {
      return null;
    }
    Set<String> visible = new HashSet<>();
    if (scope.devices() != null) {
      visible.addAll(scope.devices());
    }
    if (scope.groups() != null) {
      visible.addAll(groups.members(scope.groups()));
    }
    return visible;
  }
}
