package io.homeport.api;

import io.homeport.auth.Role;
import io.homeport.auth.TokenRecord;
import io.homeport.auth.TokenService;
import io.homeport.config.Durations;
import io.homeport.device.DeviceGroups;
import io.homeport.http.JsonBodies;
import io.vertx.core.AsyncResult;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Token administration: minting scoped tokens, listing and revoking them, rotating the bootstrap admin token,
 * and the public key set.
 */
final class TokenRoutes {
  private static final Set<String> MINT_FIELDS = Set.of("role", "subject", "devices", "groups", "applicationServers",
      "expiresIn");
  private static final int MAX_GROUPS = 100;
  private static final Duration DEFAULT_TTL = Duration.ofDays(90);

  private final TokenService tokens;

  TokenRoutes(TokenService tokens) {
    this.tokens = tokens;
  }

  void mount(Router router, Authorize anyRole) {
    Authorize admin = Authorize.roles(Role.ADMIN);
    router.post("/api/v1/tokens").handler(admin).handler(this::mint);
    router.get("/api/v1/tokens").handler(admin).handler(this::list);
    router.delete("/api/v1/tokens/:id").handler(admin).handler(this::revoke);
    router.post("/api/v1/tokens/admin/rotate").handler(admin).handler(this::rotateAdmin);
    router.get("/api/v1/jwks.json").handler(anyRole).handler(ctx -> ctx.json(tokens.jwks()));
  }

  private void mint(RoutingContext ctx) {
    JsonObject body = JsonBodies.object(ctx);
    JsonBodies.onlyFields(body, MINT_FIELDS);
    Role role = Role.fromClaim(JsonBodies.requiredString(body, "role"))
        .orElseThrow(() -> JsonBodies.invalid("role", "'role' must be admin, operator, integrator or application"));
    String subject = JsonBodies.requiredString(body, "subject");
    if (subject.length() > 128) {
      throw JsonBodies.invalid("subject", "'subject' must be at most 128 characters");
    }
    List<String> devices = null;
    Object d = body.getValue("devices");
    if (d != null) {
      if (!(d instanceof JsonArray list) || list.isEmpty() || list.size() > 1000
          || list.stream().anyMatch(v -> !(v instanceof String))) {
        throw JsonBodies.invalid("devices", "'devices' must be a non-empty list of up to 1000 device ids");
      }
      devices = new ArrayList<>();
      for (Object v : list) {
        devices.add((String) v);
      }
    }
    List<String> groups = null;
    Object g = body.getValue("groups");
    if (g != null) {
      if (!(g instanceof JsonArray list) || list.isEmpty() || list.stream().anyMatch(v -> !(v instanceof String))) {
        throw JsonBodies.invalid("groups", "'groups' must be a non-empty list of up to 100 group names");
      }
      List<String> names = new ArrayList<>();
      list.forEach(v -> names.add((String) v));
      groups = List.copyOf(DeviceGroups.check(names, MAX_GROUPS, "groups"));
    }
    List<String> applicationServers = null;
    Object a = body.getValue("applicationServers");
    if (a != null) {
      if (!(a instanceof JsonArray list) || list.stream().anyMatch(v -> !(v instanceof String))) {
        throw JsonBodies.invalid("applicationServers", "'applicationServers' must be a list of application-server ids");
      }
      List<String> ids = new ArrayList<>();
      list.forEach(v -> ids.add((String) v));
      applicationServers = TokenService.checkApplicationServers(ids);
    }
    Duration ttl = DEFAULT_TTL;
    String expiresIn = JsonBodies.optionalString(body, "expiresIn");
    if (expiresIn != null) {
      try {
        ttl = Durations.parse(expiresIn);
      } catch (IllegalArgumentException e) {
        throw JsonBodies.invalid("expiresIn", "'expiresIn' must be a duration such as 1h or 90d");
      }
      if (ttl.isZero() || ttl.compareTo(TokenService.MAX_TTL) > 0) {
        throw JsonBodies.invalid("expiresIn", "'expiresIn' must be from 1s to 3650d");
      }
    }
    tokens.mint(role, subject, devices, groups, applicationServers, ttl).onComplete(m -> created(ctx, m));
  }

  /** The body, optional, takes no fields. */
  private void rotateAdmin(RoutingContext ctx) {
    JsonBodies.onlyFields(JsonBodies.object(ctx), Set.of());
    tokens.rotateAdminToken().onComplete(m -> created(ctx, m));
  }

  /** 201 with the new token (its only showing) and its record. */
  private static void created(RoutingContext ctx, AsyncResult<TokenService.Minted> m) {
    if (m.failed()) {
      ctx.fail(m.cause());
    } else {
      ctx.response().setStatusCode(201).putHeader("Location", "/api/v1/tokens/" + m.result().record().id());
      ctx.json(json(m.result().record()).put("token", m.result().token()));
    }
  }

  private void list(RoutingContext ctx) {
    tokens.list(0, 1000).onComplete(l -> {
      if (l.failed()) {
        ctx.fail(l.cause());
      } else {
        JsonArray items = new JsonArray();
        l.result().forEach(r -> items.add(json(r)));
        ctx.json(new JsonObject().put("items", items));
      }
    });
  }

  private void revoke(RoutingContext ctx) {
    tokens.revoke(ctx.pathParam("id")).onComplete(r -> {
      if (r.failed()) {
        ctx.fail(r.cause());
      } else {
        ctx.json(json(r.result()));
      }
    });
  }

  private static JsonObject json(TokenRecord r) {
    return new JsonObject()
        .put("id", r.id())
        .put("role", r.role().claim())
        .put("subject", r.subject())
        .put("devices", r.devices() == null ? null : new JsonArray(r.devices()))
        .put("groups", r.groups() == null ? null : new JsonArray(r.groups()))
        .put("applicationServers", r.applicationServers() == null ? null : new JsonArray(r.applicationServers()))
        .put("createdAt", r.createdAt().toString())
        .put("expiresAt", r.expiresAt() == null ? null : r.expiresAt().toString())
        .put("revokedAt", r.revokedAt() == null ? null : r.revokedAt().toString());
  }
}
