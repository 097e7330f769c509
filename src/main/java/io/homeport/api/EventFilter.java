package io.homeport.api;

import io.homeport.auth.Scope;
import io.homeport.device.DeviceGroups;
import io.homeport.http.QueryParams;
import io.homeport.refusal.Refusal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which events one stream subscriber receives: type patterns (any when none), a device set (any when
 * null) and the token's {@link Scope}. An event without a device passes only when no device set and no
 * limit of the token applies. A token limited to groups is checked against the group membership at each
 * event, so a device moved into or out of one of its groups is seen or hidden at once.
 *
 * <p>A type pattern is an exact type ({@code command.succeeded}), {@code *} (every type), or has
 * segments ending in {@code *}: {@code device.*} (every device event), {@code command.time*}
 * ({@code command.timed-out}), {@code *.failed} ({@code command.failed}, {@code plugin.failed}). A last
 * segment that is {@code *} alone also matches further segments.
 */
final class EventFilter {
  static final int MAX_PATTERNS = 64;
  static final int MAX_DEVICES = 1_000;
  private static final Pattern TYPE_PATTERN =
      Pattern.compile("\\*|[a-z0-9-]*\\*?(\\.[a-z0-9-]*\\*?)*");
  private static final Pattern DEVICE_ID = Pattern.compile("[^\\s,]{1,128}");

  private final List<String[]> types;
  private final Set<String> devices;
  /** Null when the token is not limited. */
  private final Scope scope;

  private EventFilter(List<String[]> types, Set<String> devices, Scope scope) {
    this.types = types;
    this.devices = devices;
    this.scope = scope;
  }

  /** Everything: no type patterns, no device set. */
  static EventFilter all() {
    return new EventFilter(List.of(), null, null);
  }

  /**
   * The filter for a subscription's query and its token's claims.
   *
   * @param query {@code types} and {@code devices}, each comma-separated and/or repeated
   * @param principal the token's claims; a {@code devices} or {@code groups} claim limits every
   *     subscription of the token
   * @param membership the current group membership of devices
   * @throws Refusal.Invalid for a malformed parameter
   * @throws Refusal.Forbidden for a malformed claim or devices that are all outside the token's scope (at the
   *     time of subscribing)
   */
  static EventFilter of(QueryParams query, JsonObject principal, DeviceGroups membership) {
    List<String[]> types = new ArrayList<>();
    for (String pattern : query.list("types")) {
      if (pattern.length() > 100 || !TYPE_PATTERN.matcher(pattern).matches() || pattern.contains("..")
          || pattern.startsWith(".") || pattern.endsWith(".")) {
        throw QueryParams.invalid("types", "'" + abbreviate(pattern)
            + "' is not an event type pattern (e.g. device.*, command.succeeded, *.failed)");
      }
      types.add(pattern.equals("*") ? new String[0] : pattern.split("\\."));
    }
    if (types.size() > MAX_PATTERNS) {
      throw QueryParams.invalid("types", "at most " + MAX_PATTERNS + " type patterns");
    }
    if (types.stream().anyMatch(t -> t.length == 0)) {
      types = List.of(); // '*' matches everything
    }
    Set<String> requested = null;
    if (query.has("devices")) { // given but naming nothing is refused, not "any device"
      requested = new LinkedHashSet<>();
      for (String id : query.list("devices")) {
        if (!DEVICE_ID.matcher(id).matches()) {
          throw QueryParams.invalid("devices", "'" + abbreviate(id) + "' is not a device id");
        }
        requested.add(id);
      }
      if (requested.isEmpty() || requested.size() > MAX_DEVICES) {
        throw QueryParams.invalid("devices", "devices must name 1 to " + MAX_DEVICES + " device ids");
      }
    }
    Set<String> devices = requested;
    if (principal != null) {
      checkClaim(principal, "devices");
      checkClaim(principal, "groups");
    }
    Scope claimed = principal == null ? null : Scope.of(principal, membership);
    Scope scope = claimed != null && claimed.limited() ? claimed : null;
    if (scope != null && requested != null) {
      Set<String> visible = new LinkedHashSet<>(requested);
      visible.removeIf(id -> !scope.sees(id));
      if (visible.isEmpty()) {
        throw new Refusal.Forbidden("forbidden",
            "none of the requested devices is among the devices this token is limited to");
      }
      if (scope.groups() == null) {
        devices = visible; // a fixed device list: narrow the filter once
      }
    }
    return new EventFilter(List.copyOf(types), devices == null ? null : Set.copyOf(devices), scope);
  }

  /** Refuses a {@code devices} or {@code groups} claim that is present but not a list of strings. */
  private static void checkClaim(JsonObject principal, String name) {
    if (!principal.containsKey(name)) {
      return;
    }
    Object claim = principal.getValue(name);
    Set<String> scope = new LinkedHashSet<>();
    if (claim instanceof JsonArray array) {
      for (Object id : array) {
        if (!(id instanceof String s)) {
          scope = null;
          break;
        }
        scope.add(s);
      }
    } else {
      scope = null;
    }
    if (scope == null) {
      throw new Refusal.Forbidden("forbidden",
          "the token's " + name + " claim is not a list of " + (name.equals("groups") ? "group names" : "device ids"));
    }
  }

  boolean matches(String type, String deviceId) {
    if (devices != null && (deviceId == null || !devices.contains(deviceId))) {
      return false;
    }
    if (scope != null && !scope.sees(deviceId)) {
      return false;
    }
    if (types.isEmpty()) {
      return true;
    }
    for (String[] pattern : types) {
      if (matches(pattern, type)) {
        return true;
      }
    }
    return false;
  }

  private static boolean matches(String[] pattern, String type) {
    String[] segments = type.split("\\.", -1);
    for (int i = 0; i < pattern.length; i++) {
      if (i >= segments.length) {
        return false;
      }
      String p = pattern[i];
      if (i == pattern.length - 1 && p.equals("*")) {
        return true; // the rest, one segment or more
      }
      boolean ok = p.endsWith("*") ? segments[i].startsWith(p.substring(0, p.length() - 1)) : segments[i].equals(p);
      if (!ok) {
        return false;
      }
    }
    return segments.length == pattern.length;
  }

  /** The devices asked for (narrowed by a token's fixed device list); null when any device passes. */
  Set<String> devices() {
    return devices;
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }

  @Override
  public String toString() {
    List<String> t = new ArrayList<>();
    types.forEach(p -> t.add(String.join(".", p)));
    return "types=" + (t.isEmpty() ? "*" : String.join(",", t)) + " devices=" + (devices == null ? "*" : devices)
        + (scope == null ? "" : " scope=" + (scope.devices() == null ? "" : "devices" + scope.devices())
            + (scope.groups() == null ? "" : "groups" + scope.groups()));
  }
}
