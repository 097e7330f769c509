package io.homeport.auth;

import io.homeport.device.DeviceGroups;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What a request's token may see: its role, for a limited integrator token the devices and device
 * groups it is limited to, and for an application token the application servers it may wake devices for. A token with neither claim sees every device; otherwise a device is visible
 * when it is one of {@code devices} or belongs to one of {@code groups}. Group membership is looked up in
 * {@link DeviceGroups} at each check, so moving a device into or out of a group takes effect at once.
 *
 * <p>A claim that is present but not a list of strings limits the token to nothing (fail closed).
 *
 * @param devices null when the token is not limited to devices
 * @param groups null when the token is not limited to groups
 * @param applicationServers the {@code applicationServers} claim of an application token; null when absent
 * @param membership the current group membership of devices
 */
public record Scope(Role role, Set<String> devices, Set<String> groups, Set<String> applicationServers,
    DeviceGroups membership) {

  public static Scope of(User user, DeviceGroups membership) {
    return of(user.principal(), membership);
  }

  public static Scope of(JsonObject principal, DeviceGroups membership) {
    Role role = Role.fromClaim(principal.getString("role")).orElse(null);
    return new Scope(role, claim(principal, "devices"), claim(principal, "groups"),
        claim(principal, "applicationServers"), membership);
  }

  /** The claim as a set, null when absent, empty when malformed. */
  private static Set<String> claim(JsonObject principal, String name) {
    if (!principal.containsKey(name)) {
      return null;
    }
    Set<String> out = new LinkedHashSet<>();
    if (!(principal.getValue(name) instanceof JsonArray a)) {
      return Set.of();
    }
    for (Object v : a) {
      if (!(v instanceof String s)) {
        return Set.of();
      }
      out.add(s);
    }
    return Set.copyOf(out);
  }

  /** True when the token is limited to some devices or groups. */
  public boolean limited() {
    return devices != null || groups != null;
  }

  /** True when the token may see this device (a limited token sees nothing without a device). */
  public boolean sees(String deviceId) {
    if (!limited()) {
      return true;
    }
    if (deviceId == null) {
      return false;
    }
    return (devices != null && devices.contains(deviceId))
        || (groups != null && membership.inAny(deviceId, groups));
  }

  /**
   * True when the token may wake a device for this application server (DESIGN 4): admins and operators for
   * any, an application token for the ids of its {@code applicationServers} claim only, integrators never.
   * Which devices it may wake is not decided here (an application token is not limited to devices).
   */
  public boolean mayWakeFor(String applicationServerId) {
    if (role == null || applicationServerId == null) {
      return false;
    }
    return switch (role) {
      case ADMIN, OPERATOR -> true;
      case APPLICATION -> applicationServers != null && applicationServers.contains(applicationServerId);
      case INTEGRATOR -> false;
    };
  }
}
