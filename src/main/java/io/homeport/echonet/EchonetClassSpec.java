package io.homeport.echonet;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An appliance class Homeport supports and the properties of it Homeport understands.
 *
 * @param eojClass class group and class code, e.g. 0x0130
 * @param name JSON-friendly name, e.g. {@code homeAirConditioner}
 * @param properties the properties understood, each EPC and name once
 */
public record EchonetClassSpec(int eojClass, String name, List<PropertySpec> properties) {

  public EchonetClassSpec {
    if ((eojClass & ~0xFFFF) != 0) {
      throw new IllegalArgumentException("class must fit in 2 bytes: " + eojClass);
    }
    Objects.requireNonNull(name, "name");
    properties = List.copyOf(properties);
    Set<Integer> epcs = new HashSet<>();
    Set<String> names = new HashSet<>();
    for (PropertySpec p : properties) {
      if (!epcs.add(p.epc()) || !names.add(p.name())) {
        throw new IllegalArgumentException("duplicate property " + p);
      }
    }
  }

  /** The property with this EPC. */
  public Optional<PropertySpec> property(int epc) {
    return properties.stream().filter(p -> p.epc() == epc).findFirst();
  }

  /** The property with this JSON-friendly name. */
  public Optional<PropertySpec> property(String propertyName) {
    return properties.stream().filter(p -> p.name().equals(propertyName)).findFirst();
  }

  /** Instance {@code instanceCode} of this class. */
  public EchonetObject instance(int instanceCode) {
    return EchonetObject.of(eojClass, instanceCode);
  }

  /** {@code homeAirConditioner(0x0130)}. */
  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s(0x%04X)", name, eojClass);
  }
}
