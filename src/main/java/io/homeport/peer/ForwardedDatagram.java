package io.homeport.peer;

import java.nio.charset.StandardCharsets;

/**
 * A user datagram forwarded through a peer session (DESIGN 5.1, data plane): the payload of a data
 * frame. Layout: flow (4: top bit set on answers, then the sending side's 31-bit number of its local
 * client), service name length (1), service name (ASCII, 1-{@value #MAX_SERVICE}), then the datagram as
 * the client or the service sent it.
 *
 * @param flow which local client of the side that listens the datagram belongs to (0 to 2^31-1)
 * @param answer false from the listening side to the exposing side, true for the service's answers
 * @param service the name the exposing side knows the destination under
 */
public record ForwardedDatagram(int flow, boolean answer, String service, byte[] data) {
  public static final int MAX_SERVICE = 32;
  /** Bytes before the service name: flow (4) and the name's length (1). */
  public static final int HEADER_BYTES = 5;
  private static final int ANSWER_BIT = 0x8000_0000;

  public ForwardedDatagram {
    if (flow < 0) {
      throw new IllegalArgumentException("flow numbers are 31 bits: " + flow);
    }
    requireServiceName(service);
  }

  /** Service names: letters, digits, '.', '_' and '-'. */
  public static boolean isServiceName(String name) {
    return name != null && name.matches("[A-Za-z0-9._-]{1," + MAX_SERVICE + "}");
  }

  /** {@code name}, or an exception saying what a service name is. */
  public static String requireServiceName(String name) {
    if (!isServiceName(name)) {
      throw new IllegalArgumentException("service name '" + name + "': 1-" + MAX_SERVICE
          + " letters, digits, '.', '_' or '-'");
    }
    return name;
  }

  public byte[] encode() {
    byte[] name = service.getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[HEADER_BYTES + name.length + data.length];
    int flow = answer ? this.flow | ANSWER_BIT : this.flow;
    out[0] = (byte) (flow >>> 24);
    out[1] = (byte) (flow >>> 16);
    out[2] = (byte) (flow >>> 8);
    out[3] = (byte) flow;
    out[4] = (byte) name.length;
    System.arraycopy(name, 0, out, 5, name.length);
    System.arraycopy(data, 0, out, 5 + name.length, data.length);
    return out;
  }

  /** The datagram in a payload, or null when the payload is not one. */
  public static ForwardedDatagram decode(byte[] payload) {
    if (payload.length < 6) {
      return null;
    }
    int nameLength = payload[4] & 0xFF;
    if (nameLength < 1 || nameLength > MAX_SERVICE || payload.length < 5 + nameLength) {
      return null;
    }
    String name = new String(payload, 5, nameLength, StandardCharsets.US_ASCII);
    if (!isServiceName(name)) {
      return null;
    }
    int flow = (payload[0] & 0xFF) << 24 | (payload[1] & 0xFF) << 16 | (payload[2] & 0xFF) << 8 | payload[3] & 0xFF;
    return new ForwardedDatagram(flow & ~ANSWER_BIT, (flow & ANSWER_BIT) != 0, name, java.util.Arrays.copyOfRange(payload, 5 + nameLength, payload.length));
  }
}
