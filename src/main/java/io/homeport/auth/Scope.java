package io.homeport.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.ext.auth.User;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a request's token may see: its role, and for a device-limited integrator token the devices.
 *
 * @param devices null when the token is not limited to devices
 */
public record Scope(Role role, Set<String> devices) {

  public static Scope of(User user) {
    Role role = Role.fromClaim(user.principal().getString("role")).orElse(null);
    Object claim = user.principal().getValue("devices");
    Set<String> devices = claim instanceof JsonArray a
        ? a.stream().map(String::valueOf).collect(Collectors.toUnmodifiableSet()) : null;
    return new Scope(role, devices);
  }

  /** True when the token may see this device. */
  public boolean sees(String deviceId) {
    return devices == null || devices.contains(deviceId);
  }
}
