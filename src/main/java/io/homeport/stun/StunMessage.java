package io.homeport.stun;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A decoded and structurally validated STUN message (RFC 8489). Immutable.
 *
 * <p>Instances come only from {@link StunCodec#decode}; outgoing messages are produced as bytes by
 * a {@link Builder}. A message keeps the bytes it was decoded from, so its MESSAGE-INTEGRITY(-SHA256)
 * can be checked later with {@link StunCodec#verifyIntegritySha256} without re-encoding anything.
 * Decoding does not check integrity: nothing read from a message should be trusted before that.
 *
 * <p>{@link #attributes()} lists every attribute in wire order, including MESSAGE-INTEGRITY,
 * MESSAGE-INTEGRITY-SHA256 and FINGERPRINT when present.
 */
public final class StunMessage {

  /** The one STUN method Homeport uses. */
  public static final int METHOD_BINDING = 0x001;

  /** Binding Request: the device's keepalive. */
  public static final int BINDING_REQUEST = 0x0001;
  /** Binding Indication: the server's wake. */
  public static final int BINDING_INDICATION = 0x0011;
  /** Binding Success Response: the answer to a keepalive. */
  public static final int BINDING_SUCCESS = 0x0101;
  /** Binding Error Response: e.g. 401 carrying a fresh server nonce. */
  public static final int BINDING_ERROR = 0x0111;

  public static final int MAGIC_COOKIE = 0x2112A442;
  public static final int HEADER_LENGTH = 20;
  public static final int TRANSACTION_ID_LENGTH = 12;

  /** The class bits (C1 C0) of a message type. */
  public enum MessageClass {
    REQUEST,
    INDICATION,
    SUCCESS_RESPONSE,
    ERROR_RESPONSE;

    private static final MessageClass[] BY_BITS = values();
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  private final byte[] raw; // the datagram as received; private so the message stays immutable
  private final int type;
  private final StunAttribute[] wireOrder; // read on the hot path without an iterator
  private final List<StunAttribute> attributes;
  private final int integrityOffset; // offset of MESSAGE-INTEGRITY in raw, -1 if absent
  private final int integritySha256Offset; // offset of MESSAGE-INTEGRITY-SHA256 in raw, -1 if absent

  StunMessage(byte[] raw, StunAttribute[] attributes, int integrityOffset, int integritySha256Offset) {
    this.raw = raw;
    this.type = StunCodec.u16(raw, 0);
    this.wireOrder = attributes;
    this.attributes = Collections.unmodifiableList(Arrays.asList(attributes));
    this.integrityOffset = integrityOffset;
    this.integritySha256Offset = integritySha256Offset;
  }

  // --- message type helpers ---

  /** The method bits (M11..M0) of a 14-bit message type. */
  public static int method(int type) {
    return (type & 0x000F) | ((type & 0x00E0) >> 1) | ((type & 0x3E00) >> 2);
  }

  /** The class bits (C1 C0) of a message type. */
  public static MessageClass messageClass(int type) {
    return MessageClass.BY_BITS[((type >> 7) & 0b10) | ((type >> 4) & 0b01)];
  }

  /**
   * The message type for a method and class, e.g. {@code type(METHOD_BINDING, SUCCESS_RESPONSE)}
   * is {@link #BINDING_SUCCESS}.
   *
   * @throws IllegalArgumentException if the method is outside 0..0xFFF
   */
  public static int type(int method, MessageClass messageClass) {
    if (method < 0 || method > 0xFFF) {
      throw new IllegalArgumentException("method outside 0..0xFFF: " + method);
    }
    int c = messageClass.ordinal();
    return (method & 0x000F)
        | ((method & 0x0070) << 1)
        | ((method & 0x0F80) << 2)
        | ((c & 0b01) << 4)
        | ((c & 0b10) << 7);
  }

  /** 12 bytes from a {@link SecureRandom}, as RFC 8489 §6 asks for. */
  public static byte[] randomTransactionId() {
    byte[] id = new byte[TRANSACTION_ID_LENGTH];
    RANDOM.nextBytes(id);
    return id;
  }

  // --- accessors ---

  /** The 16-bit message type (its two most significant bits are always zero). */
  public int type() {
    return type;
  }

  public int method() {
    return method(type);
  }

  public MessageClass messageClass() {
    return messageClass(type);
  }

  /** A copy of the 12-byte transaction id. */
  public byte[] transactionId() {
    return Arrays.copyOfRange(raw, 8, HEADER_LENGTH);
  }

  /**
   * The size of the message on the wire, header included; e.g. to keep an answer no larger than
   * the request that caused it.
   */
  public int encodedLength() {
    return raw.length;
  }

  /** Every attribute in wire order (unmodifiable). */
  public List<StunAttribute> attributes() {
    return attributes;
  }

  /** The first attribute of the given type. */
  public Optional<StunAttribute> attribute(int type) {
    for (StunAttribute a : wireOrder) {
      if (a.type() == type) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  /** Every attribute of the given type, in wire order (unmodifiable, possibly empty). */
  public List<StunAttribute> attributes(int type) {
    List<StunAttribute> found = null;
    for (StunAttribute a : attributes) {
      if (a.type() == type) {
        if (found == null) {
          found = new ArrayList<>(2);
        }
        found.add(a);
      }
    }
    return found == null ? List.of() : Collections.unmodifiableList(found);
  }

  byte[] raw() {
    return raw;
  }

  int integrityOffset() {
    return integrityOffset;
  }

  int integritySha256Offset() {
    return integritySha256Offset;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("StunMessage[type=");
    sb.append(String.format("0x%04X", type))
        .append(", transactionId=")
        .append(HexFormat.of().formatHex(raw, 8, HEADER_LENGTH))
        .append(", attributes=[");
    for (int i = 0; i < attributes.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(String.format("0x%04X", attributes.get(i).type()));
    }
    return sb.append("]]").toString();
  }

  // --- encoding ---

  /**
   * A builder for an outgoing message of the given type and transaction id.
   *
   * @throws IllegalArgumentException if the type's two most significant bits are not zero or the
   *     transaction id is not 12 bytes
   */
  public static Builder builder(int type, byte[] transactionId) {
    return new Builder(type, transactionId);
  }

  /**
   * Collects the attributes of an outgoing message and encodes it. Integrity and fingerprint
   * attributes are computed here and always placed last, in the order RFC 8489 §14.5-14.7
   * requires: MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256, FINGERPRINT. Not thread-safe.
   */
  public static final class Builder {
    private final int type;
    private final byte[] transactionId;
    private final List<StunAttribute> attributes = new ArrayList<>(8);
    private byte[] integrityKey;
    private byte[] integritySha256Key;
    private boolean fingerprint;

    private Builder(int type, byte[] transactionId) {
      if ((type & ~0x3FFF) != 0) {
        throw new IllegalArgumentException("message type outside 0..0x3FFF: " + type);
      }
      Objects.requireNonNull(transactionId, "transactionId");
      if (transactionId.length != TRANSACTION_ID_LENGTH) {
        throw new IllegalArgumentException("transaction id must be 12 bytes");
      }
      this.type = type;
      this.transactionId = transactionId.clone();
    }

    /**
     * Appends attributes in order.
     *
     * @throws IllegalArgumentException for MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 or
     *     FINGERPRINT, which the builder computes itself
     */
    public Builder add(StunAttribute... attributes) {
      for (StunAttribute a : attributes) {
        int t = a.type();
        if (t == StunAttributes.MESSAGE_INTEGRITY
            || t == StunAttributes.MESSAGE_INTEGRITY_SHA256
            || t == StunAttributes.FINGERPRINT) {
          throw new IllegalArgumentException(
              String.format("attribute 0x%04X is computed by the builder", t));
        }
        this.attributes.add(a);
      }
      return this;
    }

    /** Appends every attribute of the list, in order; see {@link #add(StunAttribute...)}. */
    public Builder addAll(List<StunAttribute> attributes) {
      return add(attributes.toArray(new StunAttribute[0]));
    }

    /**
     * Appends a legacy MESSAGE-INTEGRITY (HMAC-SHA1, RFC 8489 §14.5). Homeport itself uses
     * {@link #messageIntegritySha256}; this exists for RFC 5389 peers and test vectors.
     *
     * @param key the HMAC key (non-empty); copied
     */
    public Builder messageIntegrity(byte[] key) {
      this.integrityKey = nonEmptyKey(key);
      return this;
    }

    /**
     * Appends MESSAGE-INTEGRITY-SHA256 (full 32-byte HMAC-SHA256, RFC 8489 §14.6).
     *
     * @param key the HMAC key (non-empty), e.g. a device's beacon key; copied
     */
    public Builder messageIntegritySha256(byte[] key) {
      this.integritySha256Key = nonEmptyKey(key);
      return this;
    }

    /** Appends FINGERPRINT as the last attribute (RFC 8489 §14.7). */
    public Builder fingerprint() {
      this.fingerprint = true;
      return this;
    }

    /**
     * The message on the wire.
     *
     * @throws IllegalStateException if the message would exceed the 16-bit length field
     */
    public byte[] encode() {
      return StunCodec.encode(
          type, transactionId, attributes, integrityKey, integritySha256Key, fingerprint);
    }

    private static byte[] nonEmptyKey(byte[] key) {
      Objects.requireNonNull(key, "key");
      if (key.length == 0) {
        throw new IllegalArgumentException("empty integrity key");
      }
      return key.clone();
    }
  }
}
