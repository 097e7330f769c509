package io.homeport.api;

import io.homeport.http.JsonBodies;
import io.homeport.http.Problem;
import io.homeport.http.ProblemException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which events one stream subscriber receives: type patterns (any when none) and a device set (any when
 * null). An event without a device passes only when no device set applies.
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

  private EventFilter(List<String[]> types, Set<String> devices) {
    this.types = types;
    this.devices = devices;
  }

  /** Everything: no type patterns, no device set. */
  static EventFilter all() {
    return new EventFilter(List.of(), null);
  }

  /**
   * The filter for these query values and token claims.
   *
   * @param typesParam values of {@code types} (each comma-separated)
   * @param devicesParam values of {@code devices} (each comma-separated)
   * @param principal the token's claims; a {@code devices} claim limits every subscription of the token
   * @throws ProblemException 400 for a malformed parameter, 403 for a malformed claim or devices that are
   *     all outside the claim
   */
  static EventFilter of(List<String> typesParam, List<String> devicesParam, JsonObject principal) {
    List<String[]> types = new ArrayList<>();
    for (String pattern : split(typesParam)) {
      if (pattern.length() > 100 || !TYPE_PATTERN.matcher(pattern).matches() || pattern.contains("..")
          || pattern.startsWith(".") || pattern.endsWith(".")) {
        throw JsonBodies.invalid("types", "'" + abbreviate(pattern)
            + "' is not an event type pattern (e.g. device.*, command.succeeded, *.failed)");
      }
      types.add(pattern.equals("*") ? new String[0] : pattern.split("\\."));
    }
    if (types.size() > MAX_PATTERNS) {
      throw JsonBodies.invalid("types", "at most " + MAX_PATTERNS + " type patterns");
    }
    if (types.stream().anyMatch(t -> t.length == 0)) {
      types = List.of(); // '*' matches everything
    }
    Set<String> requested = null;
    if (!devicesParam.isEmpty()) {
      requested = new LinkedHashSet<>();
      for (String id : split(devicesParam)) {
        if (!DEVICE_ID.matcher(id).matches()) {
          throw JsonBodies.invalid("devices", "'" + abbreviate(id) + "' is not a device id");
        }
        requested.add(id);
      }
      if (requested.isEmpty() || requested.size() > MAX_DEVICES) {
        throw JsonBodies.invalid("devices", "devices must name 1 to " + MAX_DEVICES + " device ids");
      }
    }
    Set<String> devices = requested;
    Set<String> scope = scope(principal);
    if (scope != null) {
      if (requested == null) {
        devices = scope;
      } else {
        devices = new LinkedHashSet<>(requested);
        devices.retainAll(scope);
        if (devices.isEmpty()) {
          throw new ProblemException(new Problem(403, "forbidden", "Forbidden",
              "none of the requested devices is among the devices this token is limited to"));
        }
      }
    }
    return new EventFilter(List.copyOf(types), devices == null ? null : Set.copyOf(devices));
  }

  /** The token's {@code devices} claim, or null when it has none. */
  private static Set<String> scope(JsonObject principal) {
    if (principal == null || !principal.containsKey("devices")) {
      return null;
    }
    Object claim = principal.getValue("devices");
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
      throw new ProblemException(new Problem(403, "forbidden", "Forbidden",
          "the token's devices claim is not a list of device ids"));
    }
    return scope;
  }

  boolean matches(String type, String deviceId) {
    if (devices != null && (deviceId == null || !devices.contains(deviceId))) {
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

  /** Null when any device passes. */
  Set<String> devices() {
    return devices;
  }

  private static List<String> split(List<String> values) {
    List<String> out = new ArrayList<>();
    for (String v : values) {
      for (String part : v.split(",")) {
        String t = part.trim();
        if (!t.isEmpty()) {
          out.add(t);
        }
      }
    }
    return out;
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }

  @Override
  public String toString() {
    List<String> t = new ArrayList<>();
    types.forEach(p -> t.add(String.join(".", p)));
    return "types=" + (t.isEmpty() ? "*" : String.join(",", t)) + " devices=" + (devices == null ? "*" : devices);
  }
}
