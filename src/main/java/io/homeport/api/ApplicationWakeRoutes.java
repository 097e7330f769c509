package io.homeport.api;

import io.homeport.addresslist.ApplicationWakes;
import io.homeport.auth.Role;
import io.homeport.auth.Scope;
import io.homeport.device.DeviceGroups;
import io.homeport.http.JsonBodies;
import io.homeport.http.Problem;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Set;

/**
 * Application wakes (DESIGN 4): {@code POST /api/v1/devices/{id}/wake {"applicationServer", "ttl"?}} asks
 * the device to call the application server its address list names. Operators may name any server; an
 * {@code application} token only the servers of its {@code applicationServers} claim.
 */
final class ApplicationWakeRoutes {
  private final ApplicationWakes wakes;
  private final DeviceGroups groups;

  ApplicationWakeRoutes(ApplicationWakes wakes, DeviceGroups groups) {
    this.wakes = wakes;
    this.groups = groups;
  }

  void mount(Router router) {
    router.post("/api/v1/devices/:id/wake").handler(Authorize.roles(Role.ADMIN, Role.OPERATOR, Role.APPLICATION))
        .handler(this::wake);
  }

  private void wake(RoutingContext ctx) {
    JsonObject body = JsonBodies.object(ctx);
    JsonBodies.onlyFields(body, Set.of("applicationServer", "ttl"));
    String server = JsonBodies.requiredString(body, "applicationServer");
    Duration ttl = body.containsKey("ttl") ? JsonBodies.positiveDuration(body.getValue("ttl"), "ttl",
        "'ttl' must be a positive duration such as \"5m\" or a number of seconds") : ApplicationWakes.DEFAULT_TTL;
    if (!Scope.of(ctx.user(), groups).mayWakeFor(server)) {
      new Problem(403, "forbidden", "Forbidden",
          "this token may not wake devices for application server '" + server + "'").send(ctx);
      return;
    }
    wakes.request(ctx.pathParam("id"), server, ttl).onComplete(r -> {
      if (r.failed()) {
        ctx.fail(r.cause());
        return;
      }
      ApplicationWakes.Requested w = r.result();
      ctx.response().setStatusCode(202);
      ctx.json(new JsonObject().put("deviceId", w.deviceId()).put("applicationServer", w.applicationServer())
          .put("expiresAt", w.expiresAt().toString()).put("online", w.online()));
    });
  }
}
