package io.homeport.api;

import io.homeport.addresslist.AddressListService;
import io.homeport.auth.Scope;
import io.homeport.device.DeviceGroups;
import io.homeport.http.AddressListJson;
import io.homeport.http.JsonBodies;
import io.homeport.http.Replies;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Address lists (DESIGN 4): published whole per scope by operators, read by every role; a device's
 * effective list is read like the device itself (a limited token sees its devices' lists only).
 */
final class AddressListRoutes {
  private final AddressListService lists;
  private final DeviceGroups groups;

  AddressListRoutes(AddressListService lists, DeviceGroups groups) {
    this.lists = lists;
    this.groups = groups;
  }

  void mount(Router router, Authorize read, Authorize write) {
    router.get("/api/v1/address-lists").handler(read).handler(this::list);
    router.get("/api/v1/address-lists/:scope").handler(read).handler(this::get);
    router.put("/api/v1/address-lists/:scope").handler(write).handler(this::publish);
    router.delete("/api/v1/address-lists/:scope").handler(write).handler(this::empty);
    router.get("/api/v1/devices/:id/address-list").handler(read).handler(this::effective);
  }

  private void list(RoutingContext ctx) {
    JsonArray items = new JsonArray();
    lists.all().forEach(p -> items.add(AddressListJson.summary(p)));
    ctx.json(new JsonObject().put("items", items));
  }

  private void get(RoutingContext ctx) {
    lists.get(ctx.pathParam("scope")).onComplete(p -> Replies.json(ctx, p.map(AddressListJson::of)));
  }

  private void publish(RoutingContext ctx) {
    AddressListJson.Request request = AddressListJson.parse(JsonBodies.object(ctx));
    lists.publish(ctx.pathParam("scope"), request.entries(), request.urgent())
        .onComplete(p -> Replies.json(ctx, p.map(AddressListJson::of)));
  }

  private void empty(RoutingContext ctx) {
    lists.empty(ctx.pathParam("scope")).onComplete(p -> Replies.json(ctx, p.map(AddressListJson::of)));
  }

  private void effective(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!Scope.of(ctx.user(), groups).sees(id)) {
      ctx.fail(Replies.notFound("device", id));
      return;
    }
    lists.effectiveOf(id).onComplete(list -> Replies.json(ctx,
        list.map(l -> new JsonObject().put("deviceId", id).mergeIn(AddressListJson.of(l)))));
  }
}
