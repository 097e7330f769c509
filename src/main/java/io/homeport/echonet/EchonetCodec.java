package io.homeport.echonet;

import io.homeport.echonet.EchonetFrame.Property;
import io.homeport.echonet.EchonetParseException.Reason;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Encodes and decodes ECHONET Lite frames in format 1.
 *
 * <pre>
 * EHD1 0x10 | EHD2 0x81 | TID (2, big endian) | SEOJ (3) | DEOJ (3) | ESV (1) | OPC (1)
 *   then OPC times: EPC (1) | PDC (1) | EDT (PDC bytes)
 * SetGet family: ... ESV | OPCSet | OPCSet properties | OPCGet | OPCGet properties
 * </pre>
 *
 * <p>Decoding is strict: the frame must end exactly after its last property. It never throws
 * anything but {@link EchonetParseException} for any bytes, and never allocates more than the
 * input's size.
 */
public final class EchonetCodec {

  /**
   * The largest frame this codec encodes or decodes: Homeport's own guard of about one Ethernet MTU,
   * not a limit of the frame format (which would allow more).
   */
  public static final int MAX_FRAME_BYTES = 1500;
  /** EHD1 through OPC. */
  static final int HEADER_BYTES = 12;

  private EchonetCodec() {}

  /** The frame's bytes. */
  public static byte[] encode(EchonetFrame frame) {
    int length = frame.encodedLength();
    if (length > MAX_FRAME_BYTES) {
      throw new IllegalArgumentException("frame of " + length + " bytes exceeds " + MAX_FRAME_BYTES);
    }
    byte[] out = new byte[length];
    out[0] = EchonetFrame.EHD1;
    out[1] = (byte) EchonetFrame.EHD2_FORMAT_1;
    out[2] = (byte) (frame.tid() >>> 8);
    out[3] = (byte) frame.tid();
    putEoj(out, 4, frame.seoj());
    putEoj(out, 7, frame.deoj());
    out[10] = (byte) frame.esv().code();
    int at = putList(out, 11, frame.properties());
    if (frame.esv().isSetGetFamily()) {
      at = putList(out, at, frame.readProperties());
    }
    assert at == length;
    return out;
  }

  /** Decodes a whole array as one frame. */
  public static EchonetFrame decode(byte[] data) throws EchonetParseException {
    return decode(data, 0, data.length);
  }

  /**
   * Decodes {@code length} bytes from {@code offset} as one frame.
   *
   * @throws EchonetParseException if the bytes are not exactly one acceptable frame
   * @throws IndexOutOfBoundsException if the range lies outside {@code data} (a caller's bug)
   */
  public static EchonetFrame decode(byte[] data, int offset, int length) throws EchonetParseException {
    Objects.checkFromIndexSize(offset, length, data.length);
    if (length > MAX_FRAME_BYTES) {
      throw new EchonetParseException(Reason.TOO_LARGE, length + " bytes, at most " + MAX_FRAME_BYTES);
    }
    if (length == 0) {
      throw new EchonetParseException(Reason.TOO_SHORT, "empty");
    }
    if ((data[offset] & 0xFF) != EchonetFrame.EHD1) {
      throw new EchonetParseException(Reason.BAD_EHD1, hex("EHD1", data[offset]));
    }
    if (length >= 2 && (data[offset + 1] & 0xFF) != EchonetFrame.EHD2_FORMAT_1) {
      throw new EchonetParseException(Reason.UNSUPPORTED_EHD2, hex("EHD2", data[offset + 1])
          + ((data[offset + 1] & 0xFF) == 0x82 ? " (format 2)" : ""));
    }
    if (length < HEADER_BYTES) {
      throw new EchonetParseException(Reason.TOO_SHORT, length + " bytes, a header needs " + HEADER_BYTES);
    }
    int tid = (data[offset + 2] & 0xFF) << 8 | data[offset + 3] & 0xFF;
    EchonetObject seoj = eoj(data, offset + 4);
    EchonetObject deoj = eoj(data, offset + 7);
    int esvCode = data[offset + 10] & 0xFF;
    Esv esv = Esv.fromCode(esvCode)
        .orElseThrow(() -> new EchonetParseException(Reason.UNKNOWN_ESV, hex("ESV", (byte) esvCode)));
    Reader r = new Reader(data, offset + 11, offset + length);
    List<Property> first = r.list(esv.isSetGetFamily() ? "OPCSet" : "OPC");
    List<Property> second = esv.isSetGetFamily() ? r.list("OPCGet") : List.of();
    if (r.at != r.end) {
      throw new EchonetParseException(Reason.TRAILING_BYTES, (r.end - r.at) + " bytes after the last property");
    }
    return new EchonetFrame(tid, seoj, deoj, esv, first, second);
  }

  private static final class Reader {
    final byte[] data;
    final int end;
    int at;

    Reader(byte[] data, int at, int end) {
      this.data = data;
      this.at = at;
      this.end = end;
    }

    List<Property> list(String counter) throws EchonetParseException {
      if (at >= end) {
        throw new EchonetParseException(Reason.OPC_OVERRUN, "frame ends before " + counter);
      }
      int count = data[at++] & 0xFF;
      // every property takes at least 2 bytes: a count the rest cannot hold is rejected before allocating
      if (count > (end - at) / 2) {
        throw new EchonetParseException(Reason.OPC_OVERRUN,
            counter + " " + count + " but only " + (end - at) + " bytes follow");
      }
      List<Property> props = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        if (end - at < 2) {
          throw new EchonetParseException(Reason.OPC_OVERRUN,
              counter + " " + count + " but the frame ends after " + i + " properties");
        }
        int epc = data[at] & 0xFF;
        int pdc = data[at + 1] & 0xFF;
        at += 2;
        if (pdc > end - at) {
          throw new EchonetParseException(Reason.PDC_OVERRUN, String.format(Locale.ROOT,
              "EPC %02X PDC %d but %d bytes remain", epc, pdc, end - at));
        }
        byte[] edt = new byte[pdc];
        System.arraycopy(data, at, edt, 0, pdc);
        at += pdc;
        props.add(new Property(epc, edt));
      }
      return props;
    }
  }

  private static int putList(byte[] out, int at, List<Property> props) {
    out[at++] = (byte) props.size();
    for (Property p : props) {
      out[at++] = (byte) p.epc();
      out[at++] = (byte) p.pdc();
      byte[] edt = p.edt();
      System.arraycopy(edt, 0, out, at, edt.length);
      at += edt.length;
    }
    return at;
  }

  private static void putEoj(byte[] out, int at, EchonetObject eoj) {
    out[at] = (byte) eoj.classGroupCode();
    out[at + 1] = (byte) eoj.classCode();
    out[at + 2] = (byte) eoj.instanceCode();
  }

  private static EchonetObject eoj(byte[] data, int at) {
    return new EchonetObject(data[at] & 0xFF, data[at + 1] & 0xFF, data[at + 2] & 0xFF);
  }

  private static String hex(String field, byte b) {
    return String.format(Locale.ROOT, "%s 0x%02X", field, b & 0xFF);
  }
}
