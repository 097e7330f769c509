package io.homeport.echonet;

import java.util.Optional;

/**
 * ECHONET Lite services (ESV), the frame's operation code.
 *
 * <p>Requests are 0x6x, responses and notifications 0x7x, "service not available" (SNA) responses
 * 0x5x. The SetGet family (0x6E, 0x7E, 0x5E) carries two property lists (OPCSet, then OPCGet); all
 * others carry one.
 */
public enum Esv {
  /** Property value write request, no response required. */
  SET_I(0x60, "SetI"),
  /** Property value write request, response required. */
  SET_C(0x61, "SetC"),
  /** Property value read request. */
  GET(0x62, "Get"),
  /** Property value notification request. */
  INF_REQ(0x63, "INF_REQ"),
  /** Property value write and read request. */
  SET_GET(0x6E, "SetGet"),
  /** Property value write response (to SetC). */
  SET_RES(0x71, "Set_Res"),
  /** Property value read response. */
  GET_RES(0x72, "Get_Res"),
  /** Property value notification. */
  INF(0x73, "INF"),
  /** Property value notification, response required. */
  INFC(0x74, "INFC"),
  /** Response to INFC. */
  INFC_RES(0x7A, "INFC_Res"),
  /** Property value write and read response. */
  SET_GET_RES(0x7E, "SetGet_Res"),
  /** SetI could not be (fully) processed. */
  SET_I_SNA(0x50, "SetI_SNA"),
  /** SetC could not be (fully) processed. */
  SET_C_SNA(0x51, "SetC_SNA"),
  /** Get could not be (fully) processed. */
  GET_SNA(0x52, "Get_SNA"),
  /** INF_REQ could not be (fully) processed. */
  INF_SNA(0x53, "INF_SNA"),
  /** SetGet could not be (fully) processed. */
  SET_GET_SNA(0x5E, "SetGet_SNA");

  private static final Esv[] BY_CODE = new Esv[256];

  static {
    for (Esv esv : values()) {
      BY_CODE[esv.code] = esv;
    }
  }

  private final int code;
  private final String specName;

  Esv(int code, String specName) {
    this.code = code;
    this.specName = specName;
  }

  /** The one-byte code on the wire. */
  public int code() {
    return code;
  }

  /** The name the specification uses, e.g. {@code SetGet_SNA}. */
  public String specName() {
    return specName;
  }

  /** The service with this code, if it is one the specification defines. */
  public static Optional<Esv> fromCode(int code) {
    return (code & ~0xFF) == 0 ? Optional.ofNullable(BY_CODE[code]) : Optional.empty();
  }

  /** Whether the frame carries two property lists (OPCSet ... OPCGet ...). */
  public boolean isSetGetFamily() {
    return this == SET_GET || this == SET_GET_RES || this == SET_GET_SNA;
  }

  /** A request (0x6x) a node answers. */
  public boolean isRequest() {
    return (code & 0xF0) == 0x60;
  }

  /** A "service not available" response (0x5x). */
  public boolean isSna() {
    return (code & 0xF0) == 0x50;
  }

  /**
   * The response to this request when every property could be processed (SetI has none: a silent
   * success).
   */
  public Optional<Esv> successResponse() {
    return switch (this) {
      case SET_C -> Optional.of(SET_RES);
      case GET -> Optional.of(GET_RES);
      case INF_REQ -> Optional.of(INF);
      case SET_GET -> Optional.of(SET_GET_RES);
      case INFC -> Optional.of(INFC_RES);
      default -> Optional.empty();
    };
  }

  /** The SNA response to this request when some property could not be processed. */
  public Optional<Esv> snaResponse() {
    return switch (this) {
      case SET_I -> Optional.of(SET_I_SNA);
      case SET_C -> Optional.of(SET_C_SNA);
      case GET -> Optional.of(GET_SNA);
      case INF_REQ -> Optional.of(INF_SNA);
      case SET_GET -> Optional.of(SET_GET_SNA);
      default -> Optional.empty();
    };
  }

  @Override
  public String toString() {
    return specName;
  }
}
