package io.homeport.plugin.spi;

import java.util.Map;
import java.util.Objects;

/**
 * A command as the plugin sees it.
 *
 * @param applianceAddress where the device finds the appliance on its side (for ECHONET Lite: the
 *     appliance's LAN IP address and the object instance), as the operator gave it
 * @param params JSON values: strings, numbers (Long or Double), booleans, lists, maps
 */
public record PluginCommand(String applianceType, String applianceAddress, String action, Map<String, Object> params) {
  public PluginCommand {
    Objects.requireNonNull(applianceType, "applianceType");
    Objects.requireNonNull(action, "action");
    params = params == null ? Map.of() : Map.copyOf(params);
  }
}
