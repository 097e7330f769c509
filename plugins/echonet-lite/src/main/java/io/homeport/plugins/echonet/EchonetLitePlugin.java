package io.homeport.plugins.echonet;

import io.homeport.echonet.EchonetCodec;
import io.homeport.plugin.spi.DeviceReport;
import io.homeport.plugin.spi.EncodedCommand;
import io.homeport.plugin.spi.HomeportPlugin;
import io.homeport.plugin.spi.InvalidCommandException;
import io.homeport.plugin.spi.InvalidResultException;
import io.homeport.plugin.spi.ParamChecks;
import io.homeport.plugin.spi.PluginCommand;
import io.homeport.plugin.spi.PluginDescriptor;
import io.homeport.plugin.spi.SpiVersion;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * The ECHONET Lite reference plugin (id {@code echonet-lite}, version 1.0.0): validates commands
 * for ECHONET Lite appliances on a device's LAN, encodes them as ECHONET Lite frames (format 1) the
 * device sends to the appliance over UDP, and decodes the appliance's answer.
 *
 * <h2>Appliance types and properties</h2>
 *
 * <table>
 *   <caption>Properties by appliance type</caption>
 *   <tr><th>appliance type (class)</th><th>name</th><th>EPC</th><th>values</th><th>set</th></tr>
 *   <tr><td rowspan="4">{@code home-air-conditioner} (0x0130)</td>
 *       <td>{@code operation}</td><td>0x80</td><td>{@code on}, {@code off}</td><td>yes</td></tr>
 *   <tr><td>{@code mode}</td><td>0xB0</td><td>{@code auto}, {@code cool}, {@code heat}, {@code dry},
 *       {@code fan}; reported also: {@code other}</td><td>yes</td></tr>
 *   <tr><td>{@code temperature}</td><td>0xB3</td><td>integer 0..50 (°C); reported also:
 *       {@code "undefined"}</td><td>yes</td></tr>
 *   <tr><td>{@code roomTemperature}</td><td>0xBB</td><td>integer -127..125 (°C), or
 *       {@code "unmeasurable"}</td><td>no</td></tr>
 *   <tr><td rowspan="2">{@code general-lighting} (0x0290)</td>
 *       <td>{@code operation}</td><td>0x80</td><td>{@code on}, {@code off}</td><td>yes</td></tr>
 *   <tr><td>{@code brightness}</td><td>0xB0</td><td>integer 0..100 (%)</td><td>yes</td></tr>
 *   <tr><td rowspan="5">{@code rice-cooker} (0x03BB)</td>
 *       <td>{@code operation}</td><td>0x80</td><td>{@code on}, {@code off}</td><td>yes</td></tr>
 *   <tr><td>{@code cover}</td><td>0xB0</td><td>{@code open}, {@code closed}</td><td>no</td></tr>
 *   <tr><td>{@code cookingStatus}</td><td>0xB1</td><td>{@code stop}, {@code preheating},
 *       {@code cooking}, {@code steaming}, {@code complete}</td><td>no</td></tr>
 *   <tr><td>{@code cooking}</td><td>0xB2</td><td>{@code start} (start or restart),
 *       {@code suspend}</td><td>yes</td></tr>
 *   <tr><td>{@code warmer}</td><td>0xE1</td><td>{@code enabled}, {@code disabled}</td><td>yes</td></tr>
 * </table>
 *
 * <h2>Actions</h2>
 *
 * <ul>
 *   <li>{@code set}: the settable properties above as optional parameters (enum values exactly as
 *       listed, integers within the range); at least one is required. Encoded as SetC (0x61).
 *       Example: {@code {"operation":"on","mode":"cool","temperature":26}}.
 *   <li>{@code get}: optional {@code properties}, a non-empty list of the type's property names;
 *       default all of them. Encoded as Get (0x62). Example: {@code {"properties":["operation"]}}.
 * </ul>
 *
 * Refusals ({@link InvalidCommandException}) name the parameter: e.g. {@code temperature} for 60,
 * {@code mode} for an unknown mode, {@code appliance.address} for a missing or malformed address;
 * an empty {@code set} names none.
 *
 * <h2>Appliance address</h2>
 *
 * {@code <IPv4 or [IPv6]>[:port][#instance]}, e.g. {@code 192.168.1.50}, {@code 192.168.1.50#2},
 * {@code [fe80::1]:3610#1}; port default 3610, instance 1..127, default 1. See {@link
 * ApplianceAddress}, which a device agent can use to parse it.
 *
 * <h2>Encoded command</h2>
 *
 * Content type {@value #CONTENT_TYPE}; the payload is one frame: EHD 0x10 0x81, a TID (1..65535,
 * counting up per plugin instance and wrapping), SEOJ 0x05FF01 (controller), DEOJ = the type's class
 * and the address's instance, ESV, OPC and the properties in the order of the table above. The
 * device sends it to the address and returns the appliance's answer (the response frame) as the
 * report payload.
 *
 * <h2>Results</h2>
 *
 * JSON-friendly maps (String, Integer, Boolean, List, Map):
 *
 * <ul>
 *   <li>Set_Res: {@code {ok:true, esv:"Set_Res", set:{operation:"on", mode:"cool", temperature:26}}}
 *       with the values the command set.
 *   <li>SetC_SNA: {@code {ok:false, esv:"SetC_SNA", accepted:[...], rejected:[...]}}: names of the
 *       properties the appliance applied (answered with PDC 0) and refused (echoed with their EDT).
 *   <li>Get_Res: {@code {ok:true, esv:"Get_Res", properties:{operation:"on", mode:"cool",
 *       temperature:26, roomTemperature:24}}}. A special code a device reports is a string: {@code
 *       roomTemperature:"unmeasurable"}, {@code temperature:"undefined"}, {@code mode:"other"}
 *       (never null).
 *   <li>Get_SNA: {@code {ok:false, esv:"Get_SNA", properties:{...the ones read...},
 *       unavailable:[...names the appliance could not read...]}}.
 *   <li>A report with a status other than {@code ok}, or without payload (e.g. the appliance did not
 *       answer in time): {@code {ok:false, error:<the report's code, else its status>}} ({@code
 *       "no-payload"} for an {@code ok} report without payload).
 * </ul>
 *
 * A payload that is not a frame, a frame from another object than the one addressed (SEOJ), a
 * service that does not answer the request, or properties that were not requested or carry invalid
 * values are refused with {@link InvalidResultException}. A TID other than the request's is
 * accepted (the device matched the answer to the request already).
 *
 * <p>Uses only the JDK, the plugin SPI and the ECHONET Lite codec packed in its jar. Thread-safe.
 */
public final class EchonetLitePlugin implements HomeportPlugin {

  /** The plugin's id. */
  public static final String ID = "echonet-lite";
  /** The plugin's version. */
  public static final String VERSION = "1.0.0";
  /** The content type of encoded commands and of the reports the device returns. */
  public static final String CONTENT_TYPE = "application/x-echonet-lite";

  private static final PluginDescriptor DESCRIPTOR = new PluginDescriptor(ID, VERSION, SpiVersion.CURRENT,
      Arrays.stream(ApplianceKind.values()).map(ApplianceKind::applianceType).toList());

  private final TidSequence tids;

  public EchonetLitePlugin() {
    this(new TidSequence());
  }

  /** For tests: a plugin whose first TID is {@code firstTid}. */
  EchonetLitePlugin(int firstTid) {
    this(new TidSequence(firstTid));
  }

  private EchonetLitePlugin(TidSequence tids) {
    this.tids = tids;
  }

  @Override
  public PluginDescriptor descriptor() {
    return DESCRIPTOR;
  }

  @Override
  public void validate(PluginCommand command) throws InvalidCommandException {
    request(command);
  }

  @Override
  public EncodedCommand encode(PluginCommand command) throws InvalidCommandException {
    EchonetRequest request = request(command);
    return new EncodedCommand(EchonetCodec.encode(request.frame(tids.next())), CONTENT_TYPE);
  }

  @Override
  public Map<String, Object> decode(PluginCommand command, DeviceReport report) throws InvalidResultException {
    Objects.requireNonNull(report, "report");
    byte[] payload = report.payload();
    if (!"ok".equals(report.status()) || payload == null) {
      return ResultDecoder.failure(report);
    }
    EchonetRequest request;
    try {
      request = request(command);
    } catch (InvalidCommandException e) {
      throw new InvalidResultException("the command itself is invalid, so its result cannot be decoded: "
          + e.getMessage());
    }
    return ResultDecoder.decode(request, payload);
  }

  private EchonetRequest request(PluginCommand command) throws InvalidCommandException {
    ParamChecks.check(DESCRIPTOR, command);
    return EchonetRequest.of(command);
  }
}
