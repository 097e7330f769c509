package io.homeport.plugin.spi;

import java.util.List;
import java.util.Objects;

/**
 * One parameter of an action.
 *
 * @param min smallest allowed value for INTEGER and NUMBER, null for none
 * @param max largest allowed value for INTEGER and NUMBER, null for none
 * @param allowed the values of ENUM and ENUM_LIST, empty otherwise
 */
public record ParamSpec(String name, ParamType type, boolean required, Double min, Double max, List<String> allowed,
    String description) {
  public ParamSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    allowed = List.copyOf(allowed);
  }

  public static ParamSpec integer(String name, boolean required, long min, long max, String description) {
    return new ParamSpec(name, ParamType.INTEGER, required, (double) min, (double) max, List.of(), description);
  }

  public static ParamSpec number(String name, boolean required, double min, double max, String description) {
    return new ParamSpec(name, ParamType.NUMBER, required, min, max, List.of(), description);
  }

  public static ParamSpec oneOf(String name, boolean required, List<String> values, String description) {
    return new ParamSpec(name, ParamType.ENUM, required, null, null, values, description);
  }

  public static ParamSpec listOf(String name, boolean required, List<String> values, String description) {
    return new ParamSpec(name, ParamType.ENUM_LIST, required, null, null, values, description);
  }

  public static ParamSpec bool(String name, boolean required, String description) {
    return new ParamSpec(name, ParamType.BOOLEAN, required, null, null, List.of(), description);
  }

  public static ParamSpec string(String name, boolean required, String description) {
    return new ParamSpec(name, ParamType.STRING, required, null, null, List.of(), description);
  }
}
