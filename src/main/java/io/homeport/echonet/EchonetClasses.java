package io.homeport.echonet;

import static io.homeport.echonet.PropertySpec.Access.READ_ONLY;
import static io.homeport.echonet.PropertySpec.Access.READ_WRITE;
import static io.homeport.echonet.PropertySpec.ordered;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The appliance classes Homeport supports and their properties.
 *
 * <p>Checked against the ECHONET Consortium's machine-readable Appendix (Release K data) for the
 * super class, the home air conditioner and general lighting, and against code generated from the
 * Appendix (OpenECHO) for the rice cooker, which the machine-readable data does not cover:
 *
 * <ul>
 *   <li>super class 0x80 operation status: 0x30 ON, 0x31 OFF (Get required, Set optional).
 *   <li>home air conditioner 0x0130: 0xB0 operation mode 0x41 auto, 0x42 cooling, 0x43 heating,
 *       0x44 dehumidification, 0x45 air circulation (fan), 0x40 other; 0xB3 set temperature
 *       0x00..0x32 (0..50 °C), 0xFD undefined; 0xBB measured room temperature signed -127..125 °C,
 *       0x7E not measurable (Get only).
 *   <li>general lighting 0x0290: 0xB0 illuminance level 0x00..0x64 (0..100 %).
 *   <li>rice cooker 0x03BB: 0xB0 cover open/close status 0x41 open, 0x42 closed (Get only); 0xB1
 *       rice cooking status 0x41 stop, 0x42 preheating, 0x43 rice cooking, 0x44 steaming, 0x45
 *       rice cooking completion (Get only); 0xB2 rice cooking control setting 0x41 start/restart,
 *       0x42 suspension (Set and Get); 0xE1 warmer setting 0x41 enabled, 0x42 disabled.
 * </ul>
 */
public final class EchonetClasses {

  /** Super class 0x80, operation status: {@code "on"} (0x30) / {@code "off"} (0x31). */
  public static final PropertySpec OPERATION_STATUS = PropertySpec.onOff(0x80, "operationStatus", READ_WRITE);

  private EchonetClasses() {}

  /** Home air conditioner, class 0x0130. */
  public static final class HomeAirConditioner {
    public static final int CLASS = 0x0130;
    public static final PropertySpec OPERATION_STATUS = EchonetClasses.OPERATION_STATUS;
    /** 0xB0: auto, cool, heat, dry, fan; {@code "other"} (0x40) is only reported. */
    public static final PropertySpec OPERATION_MODE = PropertySpec.state(0xB0, "operationMode", READ_WRITE,
        ordered(0x41, "auto", 0x42, "cool", 0x43, "heat", 0x44, "dry", 0x45, "fan"), ordered(0x40, "other"));
    /** 0xB3: 0..50 °C; {@code "undefined"} (0xFD) is only reported. */
    public static final PropertySpec SET_TEMPERATURE = PropertySpec.unsignedByte(0xB3, "setTemperature", READ_WRITE,
        0, 50, "Celsius", ordered(0xFD, "undefined"));
    /** 0xBB: -127..125 °C, signed; {@code "unmeasurable"} (0x7E). Read-only. */
    public static final PropertySpec ROOM_TEMPERATURE = PropertySpec.signedByte(0xBB, "roomTemperature", READ_ONLY,
        -127, 125, "Celsius", ordered(0x7E, "unmeasurable"));
    public static final EchonetClassSpec SPEC = new EchonetClassSpec(CLASS, "homeAirConditioner",
        List.of(OPERATION_STATUS, OPERATION_MODE, SET_TEMPERATURE, ROOM_TEMPERATURE));

    private HomeAirConditioner() {}
  }

  /** General lighting, class 0x0290. */
  public static final class GeneralLighting {
    public static final int CLASS = 0x0290;
    public static final PropertySpec OPERATION_STATUS = EchonetClasses.OPERATION_STATUS;
    /** 0xB0: illuminance (brightness) level 0..100 %. */
    public static final PropertySpec ILLUMINANCE_LEVEL = PropertySpec.unsignedByte(0xB0, "illuminanceLevel",
        READ_WRITE, 0, 100, "%", Map.of());
    public static final EchonetClassSpec SPEC = new EchonetClassSpec(CLASS, "generalLighting",
        List.of(OPERATION_STATUS, ILLUMINANCE_LEVEL));

    private GeneralLighting() {}
  }

  /** Electric rice cooker, class 0x03BB. */
  public static final class RiceCooker {
    public static final int CLASS = 0x03BB;
    public static final PropertySpec OPERATION_STATUS = EchonetClasses.OPERATION_STATUS;
    /** 0xB0: cover open (0x41) / closed (0x42). Read-only. */
    public static final PropertySpec COVER_STATUS = PropertySpec.state(0xB0, "coverStatus", READ_ONLY,
        ordered(0x41, "open", 0x42, "closed"), Map.of());
    /** 0xB1: stop, preheating, cooking, steaming, complete. Read-only. */
    public static final PropertySpec COOKING_STATUS = PropertySpec.state(0xB1, "cookingStatus", READ_ONLY,
        ordered(0x41, "stop", 0x42, "preheating", 0x43, "cooking", 0x44, "steaming", 0x45, "complete"), Map.of());
    /** 0xB2: start (start/restart, 0x41) or suspend (0x42). */
    public static final PropertySpec COOKING_CONTROL = PropertySpec.state(0xB2, "cookingControl", READ_WRITE,
        ordered(0x41, "start", 0x42, "suspend"), Map.of());
    /** 0xE1: keep-warm function enabled (0x41) / disabled (0x42). */
    public static final PropertySpec WARMER_SETTING = PropertySpec.state(0xE1, "warmerSetting", READ_WRITE,
        ordered(0x41, "enabled", 0x42, "disabled"), Map.of());
    public static final EchonetClassSpec SPEC = new EchonetClassSpec(CLASS, "riceCooker",
        List.of(OPERATION_STATUS, COVER_STATUS, COOKING_STATUS, COOKING_CONTROL, WARMER_SETTING));

    private RiceCooker() {}
  }

  /** Every supported class. */
  public static List<EchonetClassSpec> all() {
    return List.of(HomeAirConditioner.SPEC, GeneralLighting.SPEC, RiceCooker.SPEC);
  }

  /** The supported class with this code (e.g. 0x0130). */
  public static Optional<EchonetClassSpec> byClass(int eojClass) {
    return all().stream().filter(c -> c.eojClass() == eojClass).findFirst();
  }

  /** The supported class with this JSON-friendly name (e.g. {@code homeAirConditioner}). */
  public static Optional<EchonetClassSpec> byName(String name) {
    return all().stream().filter(c -> c.name().equals(name)).findFirst();
  }
}
