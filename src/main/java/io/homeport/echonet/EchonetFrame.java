package io.homeport.echonet;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One ECHONET Lite frame in format 1 (EHD1 0x10, EHD2 0x81): TID, SEOJ, DEOJ, ESV and the
 * properties (OPC = their count; each with EPC, PDC = length of EDT, EDT).
 *
 * <p>Frames of the SetGet family ({@link Esv#isSetGetFamily()}) carry two lists: {@link
 * #properties()} is the Set list (OPCSet) and {@link #readProperties()} the Get list (OPCGet). For
 * every other service {@link #readProperties()} is empty.
 *
 * <p>Immutable: the lists are unmodifiable and {@link Property} copies its bytes in and out.
 *
 * @param tid transaction ID, 0..0xFFFF; a response carries the request's
 * @param seoj source object
 * @param deoj destination object
 * @param esv the service
 * @param properties the properties (for the SetGet family: the Set list)
 * @param readProperties for the SetGet family, the Get list; otherwise empty
 */
public record EchonetFrame(int tid, EchonetObject seoj, EchonetObject deoj, Esv esv, List<Property> properties,
    List<Property> readProperties) {

  /** EHD1: ECHONET Lite. */
  public static final int EHD1 = 0x10;
  /** EHD2: format 1 (specified message format), the only one this codec speaks. */
  public static final int EHD2_FORMAT_1 = 0x81;
  /** Most properties one list can hold: OPC is one byte. */
  public static final int MAX_PROPERTIES = 255;

  public EchonetFrame {
    if ((tid & ~0xFFFF) != 0) {
      throw new IllegalArgumentException("TID must be 0..65535: " + tid);
    }
    Objects.requireNonNull(seoj, "seoj");
    Objects.requireNonNull(deoj, "deoj");
    Objects.requireNonNull(esv, "esv");
    properties = List.copyOf(properties);
    readProperties = List.copyOf(readProperties);
    if (properties.size() > MAX_PROPERTIES || readProperties.size() > MAX_PROPERTIES) {
      throw new IllegalArgumentException("at most " + MAX_PROPERTIES + " properties per list");
    }
    if (!esv.isSetGetFamily() && !readProperties.isEmpty()) {
      throw new IllegalArgumentException(esv + " carries one property list; only the SetGet family has a Get list");
    }
  }

  /** A frame with one property list; not for the SetGet family (see {@link #setGet}). */
  public static EchonetFrame of(int tid, EchonetObject seoj, EchonetObject deoj, Esv esv, List<Property> properties) {
    if (esv.isSetGetFamily()) {
      throw new IllegalArgumentException(esv + " carries two property lists: use setGet(...)");
    }
    return new EchonetFrame(tid, seoj, deoj, esv, properties, List.of());
  }

  /** A frame with one property list; not for the SetGet family (see {@link #setGet}). */
  public static EchonetFrame of(int tid, EchonetObject seoj, EchonetObject deoj, Esv esv, Property... properties) {
    return of(tid, seoj, deoj, esv, List.of(properties));
  }

  /** A frame of the SetGet family with its Set list and its Get list. */
  public static EchonetFrame setGet(int tid, EchonetObject seoj, EchonetObject deoj, Esv esv, List<Property> set,
      List<Property> get) {
    if (!esv.isSetGetFamily()) {
      throw new IllegalArgumentException(esv + " is not of the SetGet family");
    }
    return new EchonetFrame(tid, seoj, deoj, esv, set, get);
  }

  /** A Get request for these EPCs (each with PDC 0). */
  public static EchonetFrame get(int tid, EchonetObject seoj, EchonetObject deoj, int... epcs) {
    return of(tid, seoj, deoj, Esv.GET, Arrays.stream(epcs).mapToObj(Property::request).toList());
  }

  /** The first property with this EPC in {@link #properties()}. */
  public Optional<Property> property(int epc) {
    return properties.stream().filter(p -> p.epc() == epc).findFirst();
  }

  /** The first property with this EPC in {@link #readProperties()}. */
  public Optional<Property> readProperty(int epc) {
    return readProperties.stream().filter(p -> p.epc() == epc).findFirst();
  }

  /** The number of bytes {@link EchonetCodec#encode} produces for this frame. */
  public int encodedLength() {
    int n = 12 + (esv.isSetGetFamily() ? 1 : 0);
    for (Property p : properties) {
      n += 2 + p.pdc();
    }
    for (Property p : readProperties) {
      n += 2 + p.pdc();
    }
    return n;
  }

  /** Compact and unambiguous, e.g. {@code Get tid=0001 05FF01->013001 [80:]}. */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder()
        .append(esv).append(String.format(Locale.ROOT, " tid=%04X ", tid))
        .append(seoj).append("->").append(deoj).append(' ').append(properties);
    if (esv.isSetGetFamily()) {
      s.append(" get=").append(readProperties);
    }
    return s.toString();
  }

  /**
   * One property of a frame: EPC and EDT (PDC is the EDT's length, 0..255). Requests such as Get
   * carry EDT-less properties ({@link #request(int)}).
   *
   * @param epc property code, 0..255
   * @param edt property value bytes; copied in, and {@link #edt()} returns a copy
   */
  public record Property(int epc, byte[] edt) {
    private static final byte[] EMPTY = new byte[0];

    public Property {
      if ((epc & ~0xFF) != 0) {
        throw new IllegalArgumentException("EPC must be 0..255: " + epc);
      }
      Objects.requireNonNull(edt, "edt");
      if (edt.length > 255) {
        throw new IllegalArgumentException("EDT longer than 255 bytes (PDC is one byte): " + edt.length);
      }
      edt = edt.length == 0 ? EMPTY : edt.clone();
    }

    /** A property without EDT (PDC 0): a Get request, or an accepted Set in a response. */
    public static Property request(int epc) {
      return new Property(epc, EMPTY);
    }

    /** A property with a one-byte EDT: {@code edtByte} is 0..255, or -128..-1 for a signed value. */
    public static Property ofByte(int epc, int edtByte) {
      if (edtByte < Byte.MIN_VALUE || edtByte > 0xFF) {
        throw new IllegalArgumentException("EDT byte must be -128..255: " + edtByte);
      }
      return new Property(epc, new byte[] {(byte) edtByte});
    }

    /** A copy of the EDT. */
    @Override
    public byte[] edt() {
      return edt.clone();
    }

    /** PDC: the EDT's length. */
    public int pdc() {
      return edt.length;
    }

    /** The EDT byte at {@code index}, 0..255. */
    public int edtByte(int index) {
      return edt[index] & 0xFF;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Property p && p.epc == epc && Arrays.equals(p.edt, edt);
    }

    @Override
    public int hashCode() {
      return 31 * epc + Arrays.hashCode(edt);
    }

    /** {@code B3:1A} (EPC:EDT in hex; {@code 80:} for PDC 0). */
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%02X:", epc) + HexFormat.of().withUpperCase().formatHex(edt);
    }
  }
}
