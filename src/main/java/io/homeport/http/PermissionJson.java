package io.homeport.http;

import io.homeport.rendezvous.PermissionList;
import io.homeport.rendezvous.PermissionService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The wire form of a permission list, the same on the operator API and the device channel. */
public final class PermissionJson {

  /** A parsed {@code {"mode", "allow", "maxDuration"?}} body; {@code maxDuration} null for the server's maximum. */
  public record Request(PermissionList.Mode mode, List<String> allow, Duration maxDuration) {}

  private PermissionJson() {}

  /** {@code {"mode": "server", "allow": [{"id", "name"}, ...], "maxDuration": seconds or null}}. */
  public static JsonObject of(PermissionService.View view) {
    JsonArray allow = new JsonArray();
    view.allow().forEach(e -> allow.add(new JsonObject().put("id", e.id()).put("name", e.name())));
    return new JsonObject().put("mode", view.mode().wireName()).put("allow", allow)
        .put("maxDuration", view.maxDuration() == null ? null : view.maxDuration().toSeconds());
  }

  /** Reads {@code {"mode": "server"|"device", "allow": [id or name, ...]}}; refuses anything else naming the field. */
  public static Request parse(JsonObject body) {
    JsonBodies.onlyFields(body, Set.of("mode", "allow", "maxDuration"));
    PermissionList.Mode mode = PermissionList.Mode.fromWireName(JsonBodies.requiredString(body, "mode"))
        .orElseThrow(() -> JsonBodies.invalid("mode", "'mode' must be server or device"));
    if (!(body.getValue("allow") instanceof JsonArray list)) {
      throw JsonBodies.invalid("allow", "'allow' is required: a list of device ids or names (empty for nobody)");
    }
    List<String> allow = new ArrayList<>();
    for (Object o : list) {
      if (!(o instanceof String s) || s.isEmpty() || s.length() > 64) {
        throw JsonBodies.invalid("allow", "each entry of 'allow' must be a device id or name (1-64 characters)");
      }
      allow.add(s);
    }
    return new Request(mode, allow, maxDuration(body.getValue("maxDuration")));
  }

  /** Whole seconds as a number or a duration text ({@code 2h}); null when absent. */
  private static Duration maxDuration(Object v) {
    if (v == null) {
      return null;
    }
    String detail = "'maxDuration' must be a positive whole number of seconds or a duration such as 2h "
        + "(null for the server's maximum)";
    Duration d = JsonBodies.positiveDuration(v, "maxDuration", detail);
    if (d.toMillis() % 1000 != 0) {
      throw JsonBodies.invalid("maxDuration", detail);
    }
    return d;
  }
}
