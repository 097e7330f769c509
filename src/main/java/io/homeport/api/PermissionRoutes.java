package io.homeport.api;

import io.homeport.http.Replies;
import io.homeport.auth.Scope;
import io.homeport.device.DeviceGroups;
import io.homeport.http.JsonBodies;
import io.homeport.http.PermissionJson;
import io.homeport.rendezvous.PermissionService;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** A device's permission list (who may open a session to it): read by every role in scope, replaced by operators. */
final class PermissionRoutes {
  private final PermissionService permissions;
  private final DeviceGroups groups;

  PermissionRoutes(PermissionService permissions, DeviceGroups groups) {
    this.permissions = permissions;
    this.groups = groups;
  }

  void mount(Router router, Authorize read, Authorize write) {
    router.get("/api/v1/devices/:id/permissions").handler(read).handler(this::get);
    router.put("/api/v1/devices/:id/permissions").handler(write).handler(this::replace);
  }

  private void get(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!Scope.of(ctx.user(), groups).sees(id)) {
      ctx.fail(Replies.notFound("device", id));
      return;
    }
    permissions.get(id).onComplete(v -> Replies.json(ctx, v.map(PermissionJson::of)));
  }

  private void replace(RoutingContext ctx) {
    PermissionJson.Request request = PermissionJson.parse(JsonBodies.object(ctx));
    permissions.replace(ctx.pathParam("id"), request.mode(), request.allow(), request.maxDuration())
        .onComplete(v -> Replies.json(ctx, v.map(PermissionJson::of)));
  }
}
