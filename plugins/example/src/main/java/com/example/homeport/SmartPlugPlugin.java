package com.example.homeport;

import io.homeport.plugin.spi.ActionSpec;
import io.homeport.plugin.spi.ApplianceType;
import io.homeport.plugin.spi.DeviceReport;
import io.homeport.plugin.spi.EncodedCommand;
import io.homeport.plugin.spi.HomeportPlugin;
import io.homeport.plugin.spi.InvalidCommandException;
import io.homeport.plugin.spi.InvalidResultException;
import io.homeport.plugin.spi.ParamSpec;
import io.homeport.plugin.spi.PluginCommand;
import io.homeport.plugin.spi.PluginDescriptor;
import io.homeport.plugin.spi.SpiVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A minimal plugin for an imaginary ACME smart plug that speaks a line-based text protocol on the
 * home LAN: {@code ON}, {@code OFF} or {@code STATUS}, answered by {@code STATE ON} or
 * {@code STATE OFF}.
 *
 * <p>Actions of appliance type {@code smart-plug}:
 * <ul>
 *   <li>{@code switch} with {@code on} (boolean, required);
 *   <li>{@code status} without parameters.
 * </ul>
 * Results decode to {@code {"ok": true, "on": true|false}}, or {@code {"ok": false, "error": ...}}.
 */
public final class SmartPlugPlugin implements HomeportPlugin {
  private static final String CONTENT_TYPE = "text/x-acme-plug";
  private static final PluginDescriptor DESCRIPTOR = new PluginDescriptor("acme-smart-plug", "1.0.0", SpiVersion.CURRENT,
      List.of(new ApplianceType("smart-plug", "ACME smart plug", List.of(
          new ActionSpec("switch", "Switch the plug on or off", List.of(ParamSpec.bool("on", true, "true for on"))),
          new ActionSpec("status", "Read whether the plug is on", List.of())))));

  @Override
  public PluginDescriptor descriptor() {
    return DESCRIPTOR;
  }

  @Override
  public EncodedCommand encode(PluginCommand command) throws InvalidCommandException {
    String line = switch (command.action()) {
      case "switch" -> Boolean.TRUE.equals(command.params().get("on")) ? "ON" : "OFF";
      case "status" -> "STATUS";
      default -> throw new InvalidCommandException(null, "unknown action " + command.action());
    };
    return new EncodedCommand((line + "\n").getBytes(StandardCharsets.US_ASCII), CONTENT_TYPE);
  }

  @Override
  public Map<String, Object> decode(PluginCommand command, DeviceReport report) throws InvalidResultException {
    if (!"ok".equals(report.status()) || report.payload() == null) {
      return Map.of("ok", false, "error", report.code() != null ? report.code() : report.status());
    }
    String answer = new String(report.payload(), StandardCharsets.US_ASCII).trim();
    return switch (answer) {
      case "STATE ON" -> Map.of("ok", true, "on", true);
      case "STATE OFF" -> Map.of("ok", true, "on", false);
      default -> throw new InvalidResultException("unexpected answer '" + answer + "'");
    };
  }
}
