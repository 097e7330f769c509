package io.homeport.stun;

import java.util.Arrays;
import java.util.Objects;

/**
 * One STUN attribute: a 16-bit type and an opaque value. Immutable.
 *
 * <p>Typed factories and readers for the attributes Homeport uses are in {@link StunAttributes};
 * {@link #of(int, byte[])} builds any other attribute from raw bytes. Equality is by type and
 * value bytes.
 */
public final class StunAttribute {

  /** The largest value the 16-bit length field can describe. */
  public static final int MAX_VALUE_LENGTH = 0xFFFF;

  private final int type;
  // A decoded attribute is a view onto its message's private copy of the datagram, so decoding
  // allocates no per-attribute arrays; the bytes are never handed out without a copy.
  private final byte[] buf;
  private final int off;
  private final int len;

  StunAttribute(int type, byte[] buf, int off, int len) {
    this.type = type;
    this.buf = buf;
    this.off = off;
    this.len = len;
  }

  /**
   * An attribute with the given type and a copy of {@code value}.
   *
   * @throws IllegalArgumentException if the type is outside 0..0xFFFF or the value is longer than
   *     {@link #MAX_VALUE_LENGTH}
   */
  public static StunAttribute of(int type, byte[] value) {
    checkType(type);
    Objects.requireNonNull(value, "value");
    if (value.length > MAX_VALUE_LENGTH) {
      throw new IllegalArgumentException("attribute value longer than " + MAX_VALUE_LENGTH);
    }
    return new StunAttribute(type, value.clone(), 0, value.length);
  }

  /** Wraps an array the caller hands over and never touches again (no copy). */
  static StunAttribute owning(int type, byte[] value) {
    return new StunAttribute(type, value, 0, value.length);
  }

  static void checkType(int type) {
    if (type < 0 || type > 0xFFFF) {
      throw new IllegalArgumentException("attribute type outside 0..0xFFFF: " + type);
    }
  }

  /** The 16-bit attribute type. */
  public int type() {
    return type;
  }

  /** The value length in bytes, without padding. */
  public int length() {
    return len;
  }

  /** A copy of the value bytes, without padding. */
  public byte[] value() {
    return Arrays.copyOfRange(buf, off, off + len);
  }

  /**
   * Whether an agent that does not understand this attribute must reject the message (types
   * 0x0000-0x7FFF, RFC 8489 §15).
   */
  public boolean isComprehensionRequired() {
    return type < 0x8000;
  }

  // --- raw access for the codec and the typed readers (offsets relative to the value) ---

  int u8(int i) {
    return buf[off + i] & 0xFF;
  }

  int u16(int i) {
    return StunCodec.u16(buf, off + i);
  }

  int u32(int i) {
    return StunCodec.u32(buf, off + i);
  }

  long u64(int i) {
    return ((long) u32(i) << 32) | (u32(i + 4) & 0xFFFFFFFFL);
  }

  byte[] buf() {
    return buf;
  }

  int off() {
    return off;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StunAttribute a
        && a.type == type
        && Arrays.equals(buf, off, off + len, a.buf, a.off, a.off + a.len);
  }

  @Override
  public int hashCode() {
    int h = type;
    for (int i = off; i < off + len; i++) {
      h = 31 * h + buf[i];
    }
    return h;
  }

  @Override
  public String toString() {
    // no value bytes: they may be credentials or nonces, and this ends up in logs
    return String.format("StunAttribute[type=0x%04X, length=%d]", type, len);
  }
}
