package io.homeport.echonet;

import java.util.Objects;

/**
 * A property value that does not fit its property: a parameter out of range or not one of the
 * allowed names when encoding, or EDT bytes a device should not have sent when decoding.
 *
 * <p>The message names the property and what is allowed, e.g. {@code setTemperature: 60 is out of
 * range 0..50 (Celsius)}, so it can be shown to an API caller as is.
 */
public final class EchonetValueException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String property;

  public EchonetValueException(String property, String problem) {
    super(Objects.requireNonNull(property, "property") + ": " + problem);
    this.property = property;
  }

  /** The JSON-friendly name of the property, e.g. {@code setTemperature}. */
  public String property() {
    return property;
  }
}
