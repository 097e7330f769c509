package io.homeport.plugins.echonet;

import io.homeport.echonet.EchonetFrame;
import io.homeport.echonet.EchonetFrame.Property;
import io.homeport.echonet.EchonetObject;
import io.homeport.echonet.EchonetValueException;
import io.homeport.echonet.Esv;
import io.homeport.plugin.spi.InvalidCommandException;
import io.homeport.plugin.spi.PluginCommand;
import io.homeport.plugins.echonet.ApplianceKind.Prop;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ECHONET Lite request a command stands for, everything but the TID: which object, which
 * service, which properties (in the kind's order) and, for {@code set}, the requested values as the
 * appliance will understand them.
 *
 * @param setValues for {@code set}: parameter name to the normalised value (e.g. {@code 26}); empty for {@code get}
 */
record EchonetRequest(ApplianceKind kind, ApplianceAddress address, Esv esv, List<Property> properties,
    Map<String, Object> setValues) {

  /** The parameter naming the address in {@link InvalidCommandException}s. */
  static final String ADDRESS_PARAMETER = "appliance.address";

  EchonetRequest {
    properties = List.copyOf(properties);
    setValues = Collections.unmodifiableMap(new LinkedHashMap<>(setValues));
  }

  /** The object the request goes to: the kind's class, the address's instance. */
  EchonetObject deoj() {
    return kind.classSpec().instance(address.instance());
  }

  EchonetFrame frame(int tid) {
    return EchonetFrame.of(tid, EchonetObject.CONTROLLER, deoj(), esv, properties);
  }

  /**
   * The request for a command whose parameters passed {@code ParamChecks}: applies the rules
   * parameter specs cannot express.
   *
   * @throws InvalidCommandException for an empty {@code set}, a value the codec refuses (naming the
   *     parameter), or a missing or malformed address ({@value #ADDRESS_PARAMETER})
   */
  static EchonetRequest of(PluginCommand command) throws InvalidCommandException {
    ApplianceKind kind = ApplianceKind.byTypeName(command.applianceType()).orElseThrow(() ->
        new InvalidCommandException(null, "no appliance type '" + command.applianceType() + "'"));
    Map<String, Object> params = command.params();
    List<Property> props = new ArrayList<>();
    Map<String, Object> values = new LinkedHashMap<>();
    Esv esv;
    switch (command.action()) {
      case ApplianceKind.SET -> {
        esv = Esv.SET_C;
        for (Prop p : kind.settable()) {
          Object value = params.get(p.name());
          if (value == null) {
            continue;
          }
          byte[] edt;
          try {
            edt = p.spec().encode(value);
          } catch (EchonetValueException e) {
            String problem = e.getMessage().startsWith(e.property() + ": ")
                ? e.getMessage().substring(e.property().length() + 2) : e.getMessage();
            throw new InvalidCommandException(p.name(), "parameter '" + p.name() + "': " + problem);
          }
          props.add(new Property(p.epc(), edt));
          values.put(p.name(), p.spec().decode(edt));
        }
        if (props.isEmpty()) {
          throw new InvalidCommandException(null, "action set needs at least one of the parameters "
              + kind.settable().stream().map(Prop::name).toList());
        }
      }
      case ApplianceKind.GET -> {
        esv = Esv.GET;
        Set<String> wanted = params.get(ApplianceKind.PROPERTIES) instanceof List<?> list
            ? new LinkedHashSet<>(list.stream().map(String::valueOf).toList()) : null;
        for (Prop p : kind.props()) {
          if (wanted == null || wanted.contains(p.name())) {
            props.add(Property.request(p.epc()));
          }
        }
        if (props.isEmpty()) {
          throw new InvalidCommandException(ApplianceKind.PROPERTIES, "parameter 'properties' must name at least one of "
              + kind.props().stream().map(Prop::name).toList());
        }
      }
      default -> throw new InvalidCommandException(null, "appliance type " + kind.typeName() + " has no action '"
          + command.action() + "' (actions: [set, get])");
    }
    String text = command.applianceAddress();
    if (text == null || text.isBlank()) {
      throw new InvalidCommandException(ADDRESS_PARAMETER, "the appliance address is missing; expected "
          + ApplianceAddress.FORMAT + ", e.g. 192.168.1.50#1");
    }
    ApplianceAddress address;
    try {
      address = ApplianceAddress.parse(text);
    } catch (IllegalArgumentException e) {
      String shown = text.length() > 60 ? text.substring(0, 60) + "..." : text;
      throw new InvalidCommandException(ADDRESS_PARAMETER, "the appliance address '" + shown + "' is malformed: "
          + e.getMessage());
    }
    return new EchonetRequest(kind, address, esv, props, values);
  }
}
