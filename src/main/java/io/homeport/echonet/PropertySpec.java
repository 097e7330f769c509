package io.homeport.echonet;

import io.homeport.echonet.EchonetFrame.Property;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What one property (EPC) of an appliance class means: its JSON-friendly name, whether it can be
 * set, and how a value maps to its one-byte EDT.
 *
 * <p>Values are JSON-friendly: names ({@code String}, e.g. {@code "cool"}) for states, integers for
 * numbers. {@link #encode} turns a value from a command into EDT for a Set and refuses what a Set
 * may not carry; {@link #decode} turns EDT a device reports into a value, including the special
 * codes a device may report but nobody may set (e.g. {@code "unmeasurable"} for 0x7E of the room
 * temperature).
 */
public final class PropertySpec {

  /** Whether a controller may write the property. */
  public enum Access {
    /** Get only (Set is refused with an SNA). */
    READ_ONLY,
    /** Get and Set. */
    READ_WRITE
  }

  private enum Kind {
    STATE,
    UNSIGNED_BYTE,
    SIGNED_BYTE
  }

  private final int epc;
  private final String name;
  private final Access access;
  private final Kind kind;
  /** STATE: EDT byte -> name of the values a Set may carry. */
  private final Map<Integer, String> settable;
  /** EDT byte -> name of the values only a device reports (states or special numeric codes). */
  private final Map<Integer, String> reportOnly;
  private final int min;
  private final int max;
  private final String unit;
  private final boolean booleanAliases;

  private PropertySpec(int epc, String name, Access access, Kind kind, Map<Integer, String> settable,
      Map<Integer, String> reportOnly, int min, int max, String unit, boolean booleanAliases) {
    if ((epc & ~0xFF) != 0) {
      throw new IllegalArgumentException("EPC must be 0..255: " + epc);
    }
    this.epc = epc;
    this.name = Objects.requireNonNull(name, "name");
    this.access = Objects.requireNonNull(access, "access");
    this.kind = kind;
    this.settable = Collections.unmodifiableMap(new LinkedHashMap<>(settable));
    this.reportOnly = Collections.unmodifiableMap(new LinkedHashMap<>(reportOnly == null ? Map.of() : reportOnly));
    this.min = min;
    this.max = max;
    this.unit = unit;
    this.booleanAliases = booleanAliases;
  }

  /**
   * A one-byte state: {@code values} (EDT byte to name, in order) may be set, {@code reportOnly}
   * only reported.
   */
  public static PropertySpec state(int epc, String name, Access access, Map<Integer, String> values,
      Map<Integer, String> reportOnly) {
    return new PropertySpec(epc, name, access, Kind.STATE, values, reportOnly, 0, 0, null, false);
  }

  /** The ON (0x30) / OFF (0x31) state of operation status; also accepts {@code true}/{@code false}. */
  public static PropertySpec onOff(int epc, String name, Access access) {
    return new PropertySpec(epc, name, access, Kind.STATE, ordered(0x30, "on", 0x31, "off"), Map.of(), 0, 0, null,
        true);
  }

  /** An unsigned byte {@code min..max}; {@code reportOnly} are special codes a device may report. */
  public static PropertySpec unsignedByte(int epc, String name, Access access, int min, int max, String unit,
      Map<Integer, String> reportOnly) {
    if (min < 0 || max > 0xFF || min > max) {
      throw new IllegalArgumentException("bad unsigned range " + min + ".." + max);
    }
    return new PropertySpec(epc, name, access, Kind.UNSIGNED_BYTE, Map.of(), reportOnly, min, max, unit, false);
  }

  /** A signed byte {@code min..max}; {@code reportOnly} are special codes (as unsigned EDT bytes). */
  public static PropertySpec signedByte(int epc, String name, Access access, int min, int max, String unit,
      Map<Integer, String> reportOnly) {
    if (min < Byte.MIN_VALUE || max > Byte.MAX_VALUE || min > max) {
      throw new IllegalArgumentException("bad signed range " + min + ".." + max);
    }
    return new PropertySpec(epc, name, access, Kind.SIGNED_BYTE, Map.of(), reportOnly, min, max, unit, false);
  }

  /** An insertion-ordered map from alternating EDT bytes and names: {@code ordered(0x41, "auto", ...)}. */
  public static Map<Integer, String> ordered(Object... codesAndNames) {
    if (codesAndNames.length % 2 != 0) {
      throw new IllegalArgumentException("pairs of code and name expected");
    }
    Map<Integer, String> m = new LinkedHashMap<>();
    for (int i = 0; i < codesAndNames.length; i += 2) {
      m.put((Integer) codesAndNames[i], (String) codesAndNames[i + 1]);
    }
    return m;
  }

  public int epc() {
    return epc;
  }

  /** The JSON-friendly name, e.g. {@code setTemperature}. */
  public String name() {
    return name;
  }

  public Access access() {
    return access;
  }

  public boolean settable() {
    return access == Access.READ_WRITE;
  }

  /** The unit of a number ({@code Celsius}, {@code %}), if it has one. */
  public Optional<String> unit() {
    return Optional.ofNullable(unit);
  }

  /** For a state, the names a Set may carry, in the specification's order; empty for numbers. */
  public List<String> allowedNames() {
    return List.copyOf(settable.values());
  }

  /** For a number, the range a Set may carry, e.g. {@code 0..50}; empty for states. */
  public Optional<String> range() {
    return kind == Kind.STATE ? Optional.empty() : Optional.of(min + ".." + max);
  }

  /** A Get request for this property (PDC 0). */
  public Property get() {
    return Property.request(epc);
  }

  /** A Set property carrying {@code value}; see {@link #encode}. */
  public Property set(Object value) {
    return new Property(epc, encode(value));
  }

  /**
   * The EDT for a Set of {@code value}: a name of an allowed state (case-insensitive; {@code
   * true}/{@code false} for on/off) or an integer in range (an integral {@code Number}, so JSON's
   * {@code 26.0} is fine and {@code 26.5} is not).
   *
   * @throws EchonetValueException if the property is read-only or the value is not allowed; the
   *     message names the property and what is allowed
   */
  public byte[] encode(Object value) {
    if (!settable()) {
      throw new EchonetValueException(name, "is read-only");
    }
    if (value == null) {
      throw new EchonetValueException(name, "a value is required (" + allowed() + ")");
    }
    if (kind == Kind.STATE) {
      Object v = value;
      if (booleanAliases && v instanceof Boolean b) {
        v = b ? "on" : "off";
      }
      if (v instanceof String s) {
        for (Map.Entry<Integer, String> e : settable.entrySet()) {
          if (e.getValue().equalsIgnoreCase(s.trim())) {
            return new byte[] {(byte) (int) e.getKey()};
          }
        }
      }
      throw new EchonetValueException(name, describe(value) + " is not one of " + allowed());
    }
    long n = integral(value);
    if (n < min || n > max) {
      throw new EchonetValueException(name, describe(value) + " is out of range " + allowed());
    }
    return new byte[] {(byte) n};
  }

  /**
   * The value a device reports in {@code edt}: a state name, an integer, or the name of a special
   * code (e.g. {@code "undefined"}, {@code "unmeasurable"}).
   *
   * @throws EchonetValueException if the EDT has the wrong length or a value the property cannot
   *     have
   */
  public Object decode(byte[] edt) {
    if (edt.length != 1) {
      throw new EchonetValueException(name, "EDT must be 1 byte, got " + edt.length
          + (edt.length > 0 ? " (" + HexFormat.of().withUpperCase().formatHex(edt) + ")" : ""));
    }
    int b = edt[0] & 0xFF;
    String special = reportOnly.get(b);
    if (special != null) {
      return special;
    }
    switch (kind) {
      case STATE -> {
        String s = settable.get(b);
        if (s != null) {
          return s;
        }
      }
      case UNSIGNED_BYTE -> {
        if (b >= min && b <= max) {
          return b;
        }
      }
      case SIGNED_BYTE -> {
        int v = (byte) b;
        if (v >= min && v <= max) {
          return v;
        }
      }
    }
    throw new EchonetValueException(name, String.format(Locale.ROOT, "EDT 0x%02X is not a valid value", b));
  }

  /**
   * Why an appliance must refuse a Set of this EDT, or empty if it accepts it: read-only, wrong
   * length, or a value outside what a Set may carry (special report-only codes included).
   */
  public Optional<String> checkSet(byte[] edt) {
    if (!settable()) {
      return Optional.of(name + " is read-only");
    }
    if (edt.length != 1) {
      return Optional.of(name + ": EDT must be 1 byte, got " + edt.length);
    }
    int b = edt[0] & 0xFF;
    boolean ok = switch (kind) {
      case STATE -> settable.containsKey(b);
      case UNSIGNED_BYTE -> b >= min && b <= max;
      case SIGNED_BYTE -> (byte) b >= min && (byte) b <= max;
    };
    return ok ? Optional.empty()
        : Optional.of(String.format(Locale.ROOT, "%s: EDT 0x%02X is not settable (%s)", name, b, allowed()));
  }

  /** What a Set may carry, e.g. {@code 0..50 (Celsius)} or {@code one of [auto, cool, heat, dry, fan]}. */
  public String allowed() {
    if (kind == Kind.STATE) {
      return settable.values().stream().collect(Collectors.joining(", ", "[", "]"));
    }
    return min + ".." + max + (unit == null ? "" : " (" + unit + ")");
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s(0x%02X)", name, epc);
  }

  private long integral(Object value) {
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof BigInteger bi) {
      return bi.bitLength() < 63 ? bi.longValue() : Long.MAX_VALUE; // huge: out of range below
    }
    if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
      BigDecimal d;
      try {
        d = value instanceof BigDecimal bd ? bd : new BigDecimal(((Number) value).toString());
      } catch (NumberFormatException e) { // NaN, infinity
        throw new EchonetValueException(name, describe(value) + " is not a number in " + allowed());
      }
      if (d.stripTrailingZeros().scale() <= 0 && d.abs().compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) <= 0) {
        return d.longValueExact();
      }
      throw new EchonetValueException(name, describe(value) + " is not a whole number in " + allowed());
    }
    throw new EchonetValueException(name, describe(value) + " is not a number in " + allowed());
  }

  private static String describe(Object value) {
    return value instanceof String s ? '"' + s + '"' : String.valueOf(value);
  }
}
