package io.homeport.plugin.spi;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** A kind of appliance a plugin handles, e.g. {@code home-air-conditioner}, and its actions. */
public record ApplianceType(String name, String description, List<ActionSpec> actions) {
  public ApplianceType {
    Objects.requireNonNull(name, "name");
    actions = List.copyOf(actions);
  }

  public Optional<ActionSpec> action(String actionName) {
    return actions.stream().filter(a -> a.name().equals(actionName)).findFirst();
  }
}
