package io.homeport.plugins.echonet;

import io.homeport.echonet.EchonetClassSpec;
import io.homeport.echonet.EchonetClasses.GeneralLighting;
import io.homeport.echonet.EchonetClasses.HomeAirConditioner;
import io.homeport.echonet.EchonetClasses.RiceCooker;
import io.homeport.echonet.PropertySpec;
import io.homeport.plugin.spi.ActionSpec;
import io.homeport.plugin.spi.ApplianceType;
import io.homeport.plugin.spi.ParamSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The appliance types the plugin offers: each one an ECHONET Lite class of the codec, with the
 * plugin's parameter names for the class's properties, in the order frames list them.
 */
enum ApplianceKind {
  AIR_CONDITIONER("home-air-conditioner", "ECHONET Lite home air conditioner (class 0x0130)", HomeAirConditioner.SPEC,
      List.of(
          new Prop("operation", HomeAirConditioner.OPERATION_STATUS, "operation status: on or off"),
          new Prop("mode", HomeAirConditioner.OPERATION_MODE, "operation mode: auto, cool, heat, dry or fan"),
          new Prop("temperature", HomeAirConditioner.SET_TEMPERATURE, "set temperature in °C, 0..50"),
          new Prop("roomTemperature", HomeAirConditioner.ROOM_TEMPERATURE,
              "measured room temperature in °C (read only)"))),
  LIGHTING("general-lighting", "ECHONET Lite general lighting (class 0x0290)", GeneralLighting.SPEC,
      List.of(
          new Prop("operation", GeneralLighting.OPERATION_STATUS, "operation status: on or off"),
          new Prop("brightness", GeneralLighting.ILLUMINANCE_LEVEL, "illuminance level in %, 0..100"))),
  RICE_COOKER("rice-cooker", "ECHONET Lite rice cooker (class 0x03BB)", RiceCooker.SPEC,
      List.of(
          new Prop("operation", RiceCooker.OPERATION_STATUS, "operation status: on or off"),
          new Prop("cover", RiceCooker.COVER_STATUS, "cover: open or closed (read only)"),
          new Prop("cookingStatus", RiceCooker.COOKING_STATUS,
              "cooking status: stop, preheating, cooking, steaming or complete (read only)"),
          new Prop("cooking", RiceCooker.COOKING_CONTROL, "cooking control: start (start or restart) or suspend"),
          new Prop("warmer", RiceCooker.WARMER_SETTING, "keep-warm function: enabled or disabled")));

  /** One property under the plugin's name for it. */
  record Prop(String name, PropertySpec spec, String description) {
    int epc() {
      return spec.epc();
    }

    /** The {@code set} parameter: an enum of the settable names or an integer range, both from the codec. */
    ParamSpec setParam() {
      String desc = description + String.format(Locale.ROOT, " (EPC 0x%02X)", epc());
      if (!spec.allowedNames().isEmpty()) {
        return ParamSpec.oneOf(name, false, spec.allowedNames(), desc);
      }
      String[] range = spec.range().orElseThrow().split("\\.\\.");
      return ParamSpec.integer(name, false, Long.parseLong(range[0]), Long.parseLong(range[1]), desc);
    }
  }

  static final String SET = "set";
  static final String GET = "get";
  static final String PROPERTIES = "properties";

  private final String typeName;
  private final String description;
  private final EchonetClassSpec classSpec;
  private final List<Prop> props;

  ApplianceKind(String typeName, String description, EchonetClassSpec classSpec, List<Prop> props) {
    this.typeName = typeName;
    this.description = description;
    this.classSpec = classSpec;
    this.props = List.copyOf(props);
  }

  static Optional<ApplianceKind> byTypeName(String name) {
    for (ApplianceKind k : values()) {
      if (k.typeName.equals(name)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }

  String typeName() {
    return typeName;
  }

  EchonetClassSpec classSpec() {
    return classSpec;
  }

  /** Every property, readable all, in frame order. */
  List<Prop> props() {
    return props;
  }

  List<Prop> settable() {
    return props.stream().filter(p -> p.spec().settable()).toList();
  }

  Optional<Prop> byEpc(int epc) {
    return props.stream().filter(p -> p.epc() == epc).findFirst();
  }

  ApplianceType applianceType() {
    List<ParamSpec> setParams = new ArrayList<>();
    for (Prop p : settable()) {
      setParams.add(p.setParam());
    }
    List<String> readable = props.stream().map(Prop::name).toList();
    return new ApplianceType(typeName, description, List.of(
        new ActionSpec(SET, "Set properties with SetC (0x61); give at least one parameter", setParams),
        new ActionSpec(GET, "Read properties with Get (0x62)", List.of(ParamSpec.listOf(PROPERTIES, false, readable,
            "the properties to read, default all of " + readable)))));
  }
}
