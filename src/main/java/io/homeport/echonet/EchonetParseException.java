package io.homeport.echonet;

import java.util.Objects;

/**
 * Bytes that are not an acceptable ECHONET Lite format-1 frame.
 *
 * <p>Checked on purpose: whoever decodes untrusted bytes (a datagram from the LAN, a result from a
 * device) must decide what happens to a bad one, and the compiler makes sure that decision is made.
 * It is the only exception {@link EchonetCodec#decode} throws for any input bytes.
 *
 * <p>No stack trace is captured: garbage can arrive as often as datagrams do, and the reason plus a
 * short detail is all a caller needs.
 */
public final class EchonetParseException extends Exception {

  private static final long serialVersionUID = 1L;

  /** Why the bytes were rejected; the names are stable and fit for metric labels. */
  public enum Reason {
    /** Shorter than the 12 bytes of EHD1, EHD2, TID, SEOJ, DEOJ, ESV and OPC. */
    TOO_SHORT,
    /** Longer than {@link EchonetCodec#MAX_FRAME_BYTES}. */
    TOO_LARGE,
    /** EHD1 is not 0x10: not ECHONET Lite. */
    BAD_EHD1,
    /** EHD2 is not 0x81: format 2 (0x82, arbitrary message format) or not a format at all. */
    UNSUPPORTED_EHD2,
    /** An ESV code the specification does not define. */
    UNKNOWN_ESV,
    /** The frame ends before all the properties OPC (or OPCSet/OPCGet) announces, or before OPCGet. */
    OPC_OVERRUN,
    /** A property's PDC reaches past the end of the frame. */
    PDC_OVERRUN,
    /** Bytes are left over after the last announced property. */
    TRAILING_BYTES
  }

  private final Reason reason;

  EchonetParseException(Reason reason, String detail) {
    super(detail, null, false, false);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** Why the input was rejected. */
  public Reason reason() {
    return reason;
  }

  @Override
  public String getMessage() {
    return reason + ": " + super.getMessage();
  }
}
