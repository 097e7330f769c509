package io.homeport.echonet;

import java.util.Locale;

/**
 * An ECHONET object (EOJ): class group code, class code and instance code, one byte each.
 *
 * <p>{@code 0x013001} is instance 1 of the home air conditioner class (group 0x01, class 0x30);
 * instance code 0 addresses every instance of the class.
 *
 * @param classGroupCode the class group code, 0..255
 * @param classCode the class code within the group, 0..255
 * @param instanceCode the instance code, 0..255 (0: all instances)
 */
public record EchonetObject(int classGroupCode, int classCode, int instanceCode) {

  /** The controller object a client such as Homeport speaks as: 0x05FF01. */
  public static final EchonetObject CONTROLLER = of(0x05FF01);
  /** The node profile object of a general node: 0x0EF001. */
  public static final EchonetObject NODE_PROFILE = of(0x0EF001);

  public EchonetObject {
    checkByte("classGroupCode", classGroupCode);
    checkByte("classCode", classCode);
    checkByte("instanceCode", instanceCode);
  }

  /** The object whose three bytes are the low 24 bits of {@code eoj}, e.g. {@code of(0x013001)}. */
  public static EchonetObject of(int eoj) {
    if ((eoj & ~0xFFFFFF) != 0) {
      throw new IllegalArgumentException("EOJ must fit in 3 bytes: 0x" + Integer.toHexString(eoj));
    }
    return new EchonetObject(eoj >>> 16, (eoj >>> 8) & 0xFF, eoj & 0xFF);
  }

  /** Instance {@code instanceCode} of the class {@code eojClass} (16 bits, e.g. 0x0130). */
  public static EchonetObject of(int eojClass, int instanceCode) {
    if ((eojClass & ~0xFFFF) != 0) {
      throw new IllegalArgumentException("class must fit in 2 bytes: 0x" + Integer.toHexString(eojClass));
    }
    return new EchonetObject(eojClass >>> 8, eojClass & 0xFF, instanceCode);
  }

  /** The class (group and class code) as 16 bits, e.g. 0x0130. */
  public int eojClass() {
    return classGroupCode << 8 | classCode;
  }

  /** The three bytes as one int, e.g. 0x013001. */
  public int toInt() {
    return classGroupCode << 16 | classCode << 8 | instanceCode;
  }

  /**
   * Whether a frame addressed to {@code destination} is for this object: same class and either the
   * same instance or instance 0 (all instances of the class).
   */
  public boolean isAddressedBy(EchonetObject destination) {
    return destination.eojClass() == eojClass()
        && (destination.instanceCode == instanceCode || destination.instanceCode == 0);
  }

  /** Six upper-case hex digits, e.g. {@code 013001}. */
  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%06X", toInt());
  }

  private static void checkByte(String name, int value) {
    if ((value & ~0xFF) != 0) {
      throw new IllegalArgumentException(name + " must be 0..255: " + value);
    }
  }
}
