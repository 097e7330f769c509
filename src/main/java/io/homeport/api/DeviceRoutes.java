package io.homeport.api;

import io.homeport.http.Replies;
import io.homeport.auth.Scope;
import io.homeport.presence.NatBehaviours;
import io.homeport.presence.DeviceLocations;
import io.homeport.presence.PresenceDirectory;
import io.homeport.device.Device;
import io.homeport.device.DeviceService;
import io.homeport.device.DeviceService.WithToken;
import io.homeport.http.JsonBodies;
import io.homeport.http.QueryParams;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** Devices: registration, listing and lookup (scoped by the token), groups, revocation, enrollment tokens. */
final class DeviceRoutes {
  static final int METADATA_LIMIT = 8 * 1024;
  private static final Set<String> CREATE_FIELDS = Set.of("id", "name", "vendor", "metadata", "groups");
  /** Devices read at once when a group-limited token's list is filtered. */
  private static final int FILTER_PAGE = 500;

  private final DeviceService devices;
  private final PresenceDirectory presence;
  private final DeviceLocations locations;
  private final NatBehaviours natBehaviours;

  /** @param locations where online devices are (in a cluster, on any node); {@code presence} has the rest's last entry */
  DeviceRoutes(DeviceService devices, PresenceDirectory presence, DeviceLocations locations, NatBehaviours natBehaviours) {
    this.natBehaviours = natBehaviours;
    this.devices = devices;
    this.presence = presence;
    this.locations = locations;
  }

  void mount(Router router, Authorize read, Authorize write) {
    router.post("/api/v1/devices").handler(write).handler(this::create);
    router.get("/api/v1/devices").handler(read).handler(this::list);
    router.get("/api/v1/devices/:id").handler(read).handler(this::get);
    router.delete("/api/v1/devices/:id").handler(write).handler(this::delete);
    router.put("/api/v1/devices/:id/groups").handler(write).handler(this::replaceGroups);
    router.put("/api/v1/devices/:id/name").handler(write).handler(this::rename);
    router.post("/api/v1/devices/:id/revoke").handler(write).handler(this::revoke);
    router.post("/api/v1/devices/:id/enrollment-tokens").handler(write).handler(this::newEnrollmentToken);
  }

  private void create(RoutingContext ctx) {
    JsonObject body = JsonBodies.object(ctx);
    JsonBodies.onlyFields(body, CREATE_FIELDS);
    Object metadata = body.getValue("metadata");
    if (metadata != null && !(metadata instanceof JsonObject)) {
      throw JsonBodies.invalid("metadata", "'metadata' must be a JSON object");
    }
    String metadataJson = metadata == null ? null : ((JsonObject) metadata).encode();
    if (metadataJson != null && metadataJson.length() > METADATA_LIMIT) {
      throw JsonBodies.invalid("metadata", "'metadata' exceeds " + METADATA_LIMIT + " bytes");
    }
    String vendor = JsonBodies.optionalString(body, "vendor");
    if (vendor != null && (vendor.isBlank() || vendor.length() > 128)) {
      throw JsonBodies.invalid("vendor", "'vendor' must be 1-128 characters");
    }
    List<String> groups = body.containsKey("groups") ? groupsField(body) : null;
    DeviceService.NewDevice request = new DeviceService.NewDevice(JsonBodies.optionalString(body, "id"),
        JsonBodies.optionalString(body, "name"), vendor, metadataJson, groups == null ? null : Set.copyOf(groups));
    devices.create(request).onComplete(created -> {
      if (created.failed()) {
        ctx.fail(created.cause());
        return;
      }
      WithToken w = created.result();
      ctx.response().setStatusCode(201).putHeader("Location", "/api/v1/devices/" + w.device().id());
      ctx.json(json(w.device()).put("enrollment", tokenJson(w)));
    });
  }

  /** The {@code groups} field: a list of group names (checked by the service), possibly empty. */
  private static List<String> groupsField(JsonObject body) {
    Object g = body.getValue("groups");
    if (!(g instanceof JsonArray list) || list.stream().anyMatch(v -> !(v instanceof String))) {
      throw JsonBodies.invalid("groups", "'groups' must be a list of group names");
    }
    List<String> names = new ArrayList<>();
    list.forEach(v -> names.add((String) v));
    if (new HashSet<>(names).size() != names.size()) {
      throw JsonBodies.invalid("groups", "'groups' names a group twice");
    }
    return names;
  }

  private void replaceGroups(RoutingContext ctx) {
    JsonObject body = JsonBodies.object(ctx);
    JsonBodies.onlyFields(body, Set.of("groups"));
    if (!body.containsKey("groups")) {
      throw JsonBodies.invalid("groups", "'groups' is required (an empty list removes every group)");
    }
    List<String> groups = groupsField(body);
    devices.replaceGroups(ctx.pathParam("id"), Set.copyOf(groups))
        .onComplete(d -> Replies.json(ctx, d.map(this::json)));
  }

  private void rename(RoutingContext ctx) {
    JsonObject body = JsonBodies.object(ctx);
    JsonBodies.onlyFields(body, Set.of("name"));
    devices.rename(ctx.pathParam("id"), JsonBodies.requiredStringOrNull(body, "name"))
        .onComplete(d -> Replies.json(ctx, d.map(this::json)));
  }

  private Scope scope(RoutingContext ctx) {
    return Scope.of(ctx.user(), devices.groups());
  }

  private void list(RoutingContext ctx) {
    Page page = Page.of(QueryParams.of(ctx));
    Scope scope = scope(ctx);
    Future<List<Device>> found = !scope.limited() ? devices.list(page.offset(), page.limit())
        : scope.groups() == null ? scopedPage(scope, page) : filteredPage(scope, page);
    found.onComplete(list -> {
      if (list.failed()) {
        ctx.fail(list.cause());
        return;
      }
      JsonArray items = new JsonArray();
      list.result().forEach(d -> items.add(json(d)));
      ctx.json(page.answer(items));
    });
  }

  /** The devices a device-limited token may see, in the list's order (oldest first), paged. */
  private Future<List<Device>> scopedPage(Scope scope, Page page) {
    List<Future<Device>> lookups = scope.devices().stream()
        .map(id -> devices.get(id).otherwiseEmpty()).toList();
    return Future.join(lookups).transform(ignored -> Future.succeededFuture(lookups.stream()
        .map(f -> f.succeeded() ? f.result() : null).filter(Objects::nonNull)
        .sorted(Comparator.comparing(Device::createdAt).thenComparing(Device::id))
        .skip(page.offset()).limit(page.limit()).toList()));
  }

  /**
   * The devices a group-limited token may see, in the list's order, paged: the full list is read in
   * pages and filtered by the scope (group membership can change at any time, so there is no fixed id set).
   */
  private Future<List<Device>> filteredPage(Scope scope, Page page) {
    List<Device> visible = new ArrayList<>();
    return collectVisible(scope, 0, page.offset() + page.limit(), visible)
        .map(v -> visible.stream().skip(page.offset()).limit(page.limit()).toList());
  }

  private Future<Void> collectVisible(Scope scope, int from, int wanted, List<Device> visible) {
    return devices.list(from, FILTER_PAGE).compose(list -> {
      for (Device d : list) {
        if (scope.sees(d.id()) && visible.size() < wanted) {
          visible.add(d);
        }
      }
      return list.size() < FILTER_PAGE || visible.size() >= wanted ? Future.<Void>succeededFuture()
          : collectVisible(scope, from + FILTER_PAGE, wanted, visible);
    });
  }

  private void get(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!scope(ctx).sees(id)) {
      ctx.fail(Replies.notFound("device", id));
      return;
    }
    devices.get(id).compose(d -> devices.appliances(id).map(hosted -> {
      JsonArray appliances = new JsonArray();
      hosted.forEach(a -> appliances.add(new JsonObject().put("plugin", a.plugin()).put("type", a.type())
          .put("address", a.address())));
      return json(d).put("appliances", appliances);
    })).onComplete(json -> Replies.json(ctx, json));
  }

  private void delete(RoutingContext ctx) {
    devices.delete(ctx.pathParam("id")).onComplete(d -> {
      if (d.failed()) {
        ctx.fail(d.cause());
      } else {
        ctx.response().setStatusCode(204).end();
      }
    });
  }

  private void revoke(RoutingContext ctx) {
    devices.revoke(ctx.pathParam("id")).onComplete(d -> Replies.json(ctx, d.map(this::json)));
  }

  private void newEnrollmentToken(RoutingContext ctx) {
    devices.issueEnrollmentToken(ctx.pathParam("id")).onComplete(w -> {
      if (w.failed()) {
        ctx.fail(w.cause());
      } else {
        ctx.response().setStatusCode(201);
        ctx.json(tokenJson(w.result()));
      }
    });
  }

  private JsonObject json(Device d) {
    Optional<DeviceLocations.Location> online = locations.find(d.id());
    return DeviceJson.of(d, online.map(DeviceLocations.Location::presence).or(() -> presence.get(d.id())),
        online.map(DeviceLocations.Location::node).orElse(null),
        online.flatMap(l -> Optional.ofNullable(l.nat())).or(() -> natBehaviours.of(d.id())), devices.groups().of(d.id()));
  }

  private static JsonObject tokenJson(WithToken w) {
    return new JsonObject().put("token", w.enrollmentToken()).put("expiresAt", w.tokenExpiresAt().toString());
  }
}
