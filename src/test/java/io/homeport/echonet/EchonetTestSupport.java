package io.homeport.echonet;

import java.util.HexFormat;

final class EchonetTestSupport {
  private EchonetTestSupport() {}

  /** Bytes from hex, spaces allowed: {@code hex("10 81 00 01")}. */
  static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replace(" ", ""));
  }

  static String hex(byte[] b) {
    return HexFormat.ofDelimiter(" ").withUpperCase().formatHex(b);
  }
}
