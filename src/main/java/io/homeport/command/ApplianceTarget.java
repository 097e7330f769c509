package io.homeport.command;

import java.util.Objects;

/**
 * The plugin side of a command: the plugin that validated and encoded it, the appliance it is for,
 * and the payload the device forwards to that appliance.
 *
 * @param applianceAddress where the device finds the appliance, in the plugin's own notation
 * @param payloadType how the device forwards the payload, e.g. {@code application/x-echonet-lite}
 */
public record ApplianceTarget(String plugin, String applianceType, String applianceAddress, byte[] payload,
    String payloadType) {
  public ApplianceTarget {
    Objects.requireNonNull(plugin, "plugin");
    Objects.requireNonNull(applianceType, "applianceType");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(payloadType, "payloadType");
    payload = payload.clone();
  }

  @Override
  public byte[] payload() {
    return payload.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ApplianceTarget t && plugin.equals(t.plugin) && applianceType.equals(t.applianceType)
        && Objects.equals(applianceAddress, t.applianceAddress) && java.util.Arrays.equals(payload, t.payload)
        && payloadType.equals(t.payloadType);
  }

  @Override
  public int hashCode() {
    return Objects.hash(plugin, applianceType, applianceAddress, java.util.Arrays.hashCode(payload), payloadType);
  }
}
