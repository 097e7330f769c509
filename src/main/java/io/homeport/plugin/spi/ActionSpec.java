package io.homeport.plugin.spi;

import java.util.List;
import java.util.Objects;

/** One action on an appliance type, e.g. {@code set} or {@code get}, with its parameters. */
public record ActionSpec(String name, String description, List<ParamSpec> params) {
  public ActionSpec {
    Objects.requireNonNull(name, "name");
    params = List.copyOf(params);
  }
}
