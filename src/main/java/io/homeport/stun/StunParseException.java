package io.homeport.stun;

import java.util.Objects;

/**
 * A datagram, or the value of one of its attributes, is not acceptable STUN.
 *
 * <p>This is a <em>checked</em> exception on purpose: every caller that decodes untrusted bytes
 * has to decide what happens to a bad packet (Homeport's beacon drops it and counts it by {@link
 * #reason()}), and the compiler makes sure that decision is made. It is the only exception that
 * decoding or reading attributes of arbitrary bytes can throw.
 *
 * <p>No stack trace is captured: hostile traffic can make this exception as frequent as the
 * datagrams themselves, and the reason plus a short detail is all a caller needs.
 */
public final class StunParseException extends Exception {

  private static final long serialVersionUID = 1L;

  /** Why a datagram was rejected; the names are stable and meant to be used as metric labels. */
  public enum Reason {
    /** Fewer than the 20 bytes of a STUN header. */
    TOO_SHORT,
    /** The two most significant bits of the message type are not zero: not STUN. */
    BAD_HEADER,
    /** The magic cookie is not 0x2112A442. */
    BAD_COOKIE,
    /** The header's length field is not a multiple of 4 or does not match the datagram size. */
    BAD_LENGTH,
    /**
     * An attribute overruns the message, or MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 or
     * FINGERPRINT has a length its definition does not allow.
     */
    BAD_ATTRIBUTE,
    /** More attributes than {@link StunCodec#MAX_ATTRIBUTES}. */
    TOO_MANY_ATTRIBUTES,
    /** FINGERPRINT is present but its CRC does not match. */
    BAD_FINGERPRINT,
    /** An attribute follows FINGERPRINT, which must be last. */
    FINGERPRINT_NOT_LAST,
    /** An attribute other than those RFC 8489 allows follows an integrity attribute. */
    ATTRIBUTE_AFTER_INTEGRITY,
    /** A typed attribute reader found a malformed value (length, family, range, UTF-8). */
    BAD_VALUE
  }

  private final Reason reason;

  StunParseException(Reason reason, String detail) {
    super(detail, null, false, false);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** Why the input was rejected. */
  public Reason reason() {
    return reason;
  }

  @Override
  public String getMessage() {
    // built lazily: most of these exceptions are counted and dropped, never printed
    return reason + ": " + super.getMessage();
  }
}
