package io.homeport.plugin.spi;

import java.util.List;
import java.util.Map;

/** Checks a command's parameters against its action's {@link ParamSpec}s. */
public final class ParamChecks {
  private ParamChecks() {}

  /**
   * @throws InvalidCommandException for an unknown appliance type or action, an unknown, missing or
   *     mistyped parameter, or a value out of range or not among the allowed ones
   */
  public static void check(PluginDescriptor descriptor, PluginCommand command) throws InvalidCommandException {
    ApplianceType type = descriptor.applianceType(command.applianceType()).orElseThrow(() ->
        new InvalidCommandException(null, "plugin " + descriptor.id() + " has no appliance type '"
            + command.applianceType() + "'"));
    ActionSpec action = type.action(command.action()).orElseThrow(() ->
        new InvalidCommandException(null, "appliance type " + type.name() + " has no action '" + command.action()
            + "' (actions: " + type.actions().stream().map(ActionSpec::name).toList() + ")"));
    for (String name : command.params().keySet()) {
      if (action.params().stream().noneMatch(p -> p.name().equals(name))) {
        throw new InvalidCommandException(name, "action " + action.name() + " has no parameter '" + name + "' (parameters: "
            + action.params().stream().map(ParamSpec::name).toList() + ")");
      }
    }
    for (ParamSpec spec : action.params()) {
      Object value = command.params().get(spec.name());
      if (value == null) {
        if (spec.required()) {
          throw new InvalidCommandException(spec.name(), "parameter '" + spec.name() + "' is required");
        }
        continue;
      }
      checkValue(spec, value);
    }
  }

  private static void checkValue(ParamSpec spec, Object value) throws InvalidCommandException {
    String name = spec.name();
    switch (spec.type()) {
      case STRING -> {
        if (!(value instanceof String)) {
          throw new InvalidCommandException(name, "parameter '" + name + "' must be a string");
        }
      }
      case BOOLEAN -> {
        if (!(value instanceof Boolean)) {
          throw new InvalidCommandException(name, "parameter '" + name + "' must be true or false");
        }
      }
      case INTEGER, NUMBER -> {
        if (!(value instanceof Number n) || spec.type() == ParamType.INTEGER && n.doubleValue() != Math.rint(n.doubleValue())) {
          throw new InvalidCommandException(name, "parameter '" + name + "' must be "
              + (spec.type() == ParamType.INTEGER ? "an integer" : "a number"));
        }
        double v = n.doubleValue();
        if (spec.min() != null && v < spec.min() || spec.max() != null && v > spec.max()) {
          throw new InvalidCommandException(name, "parameter '" + name + "' must be from " + plain(spec.min()) + " to "
              + plain(spec.max()) + ", got " + value);
        }
      }
      case ENUM -> {
        if (!spec.allowed().contains(value)) {
          throw new InvalidCommandException(name, "parameter '" + name + "' must be one of " + spec.allowed() + ", got " + value);
        }
      }
      case ENUM_LIST -> {
        if (!(value instanceof List<?> list) || list.isEmpty() || !spec.allowed().containsAll(list)) {
          throw new InvalidCommandException(name, "parameter '" + name + "' must be a non-empty list of " + spec.allowed());
        }
      }
      default -> throw new IllegalStateException(spec.type().name());
    }
  }

  private static String plain(Double d) {
    return d == null ? "-" : d == Math.rint(d) ? String.valueOf(d.longValue()) : String.valueOf(d);
  }

  /** For plugins: a parameter as a long, when present. */
  public static Long longParam(Map<String, Object> params, String name) {
    return params.get(name) instanceof Number n ? n.longValue() : null;
  }
}
