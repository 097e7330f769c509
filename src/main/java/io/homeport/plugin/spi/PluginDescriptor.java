package io.homeport.plugin.spi;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A plugin's identity and capabilities.
 *
 * @param id unique among the loaded plugins: lower-case letters, digits and '-', e.g. {@code echonet-lite}
 * @param version the plugin's own version, e.g. {@code 1.2.0}
 * @param spiVersion the {@link SpiVersion#CURRENT} the plugin was built against
 */
public record PluginDescriptor(String id, String version, int spiVersion, List<ApplianceType> applianceTypes) {
  public PluginDescriptor {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(version, "version");
    if (!id.matches("[a-z0-9][a-z0-9-]{0,62}")) {
      throw new IllegalArgumentException("plugin id '" + id + "' must be 1-63 lower-case letters, digits or '-'");
    }
    applianceTypes = List.copyOf(applianceTypes);
  }

  public Optional<ApplianceType> applianceType(String name) {
    return applianceTypes.stream().filter(t -> t.name().equals(name)).findFirst();
  }
}
