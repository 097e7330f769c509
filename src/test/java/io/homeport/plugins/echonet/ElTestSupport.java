package io.homeport.plugins.echonet;

import io.homeport.plugin.spi.DeviceReport;
import io.homeport.plugin.spi.PluginCommand;
import java.util.HexFormat;
import java.util.Map;

/** Shared helpers of the ECHONET Lite plugin tests. */
final class ElTestSupport {
  static final String AIRCON = "home-air-conditioner";
  static final String LIGHTING = "general-lighting";
  static final String RICE_COOKER = "rice-cooker";
  static final String ADDRESS = "192.168.1.50";

  private ElTestSupport() {}

  /** Bytes from hex, spaces allowed: {@code hex("10 81 00 01")}. */
  static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replace(" ", ""));
  }

  static String hex(byte[] b) {
    return HexFormat.ofDelimiter(" ").withUpperCase().formatHex(b);
  }

  static PluginCommand set(String type, Map<String, Object> params) {
    return new PluginCommand(type, ADDRESS, "set", params);
  }

  static PluginCommand get(String type, Map<String, Object> params) {
    return new PluginCommand(type, ADDRESS, "get", params);
  }

  /** The command "air conditioner on, cool, 26 °C" as the API delivers it (JSON integers are Longs). */
  static PluginCommand airconOnCool26() {
    return set(AIRCON, Map.of("operation", "on", "mode", "cool", "temperature", 26L));
  }

  static DeviceReport ok(byte[] payload) {
    return new DeviceReport("ok", null, payload, EchonetLitePlugin.CONTENT_TYPE);
  }
}
