package io.homeport.device;

import java.util.Objects;

/** An appliance a device reports it can reach, through a plugin's protocol, at an address of its own. */
public record HostedAppliance(String plugin, String type, String address) {
  public HostedAppliance {
    Objects.requireNonNull(plugin, "plugin");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(address, "address");
  }
}
