package io.homeport.plugins.echonet;

import io.homeport.echonet.EchonetCodec;
import io.homeport.echonet.EchonetFrame;
import io.homeport.echonet.EchonetFrame.Property;
import io.homeport.echonet.EchonetObject;
import io.homeport.echonet.EchonetParseException;
import io.homeport.echonet.EchonetValueException;
import io.homeport.echonet.Esv;
import io.homeport.plugin.spi.DeviceReport;
import io.homeport.plugin.spi.InvalidResultException;
import io.homeport.plugins.echonet.ApplianceKind.Prop;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Turns a device's report of an ECHONET Lite request into the plugin's result map. Stateless. */
final class ResultDecoder {

  private ResultDecoder() {}

  /** The result of a report without an appliance answer: {@code {ok:false, error}}. */
  static Map<String, Object> failure(DeviceReport report) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("ok", false);
    String error = report.code() != null && !report.code().isBlank() ? report.code()
        : report.status() == null ? "unknown" : "ok".equals(report.status()) ? "no-payload" : report.status();
    out.put("error", error);
    return out;
  }

  /**
   * Decodes the appliance's answer to {@code request}.
   *
   * @throws InvalidResultException if the payload is not an ECHONET Lite frame, comes from another
   *     object, is not a response to the request's service, or lists properties that were not
   *     requested or carry values they cannot have
   */
  static Map<String, Object> decode(EchonetRequest request, byte[] payload) throws InvalidResultException {
    EchonetFrame frame;
    try {
      frame = EchonetCodec.decode(payload);
    } catch (EchonetParseException e) {
      throw new InvalidResultException("the payload is not an ECHONET Lite frame: " + e.getMessage());
    }
    EchonetObject expected = request.deoj();
    if (!frame.seoj().equals(expected)) {
      throw new InvalidResultException("the answer comes from object " + frame.seoj() + ", not from " + expected
          + " which the command addressed");
    }
    Esv success = request.esv().successResponse().orElseThrow();
    Esv sna = request.esv().snaResponse().orElseThrow();
    if (frame.esv() != success && frame.esv() != sna) {
      throw new InvalidResultException(frame.esv() + " does not answer " + request.esv() + " (expected " + success
          + " or " + sna + ")");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("ok", frame.esv() == success);
    out.put("esv", frame.esv().specName());
    switch (frame.esv()) {
      case SET_RES -> {
        requested(request, frame); // only checks
        out.put("set", new LinkedHashMap<>(request.setValues()));
      }
      case SET_C_SNA -> {
        List<String> accepted = new ArrayList<>();
        List<String> rejected = new ArrayList<>();
        for (Property p : frame.properties()) {
          (p.pdc() == 0 ? accepted : rejected).add(prop(request, p).name());
        }
        out.put("accepted", accepted);
        out.put("rejected", rejected);
      }
      case GET_RES, GET_SNA -> {
        Map<String, Object> values = new LinkedHashMap<>();
        List<String> unavailable = new ArrayList<>();
        for (Property p : frame.properties()) {
          Prop prop = prop(request, p);
          if (p.pdc() == 0) {
            if (frame.esv() == Esv.GET_RES) {
              throw new InvalidResultException("Get_Res carries no value for " + prop.name());
            }
            unavailable.add(prop.name());
            continue;
          }
          try {
            values.put(prop.name(), prop.spec().decode(p.edt()));
          } catch (EchonetValueException e) {
            throw new InvalidResultException("the appliance reported an invalid " + prop.name() + ": EDT "
                + HexFormat.of().withUpperCase().formatHex(p.edt()));
          }
        }
        out.put("properties", values);
        if (frame.esv() == Esv.GET_SNA) {
          out.put("unavailable", unavailable);
        }
      }
      default -> throw new IllegalStateException(frame.esv().toString());
    }
    return out;
  }

  private static void requested(EchonetRequest request, EchonetFrame frame) throws InvalidResultException {
    for (Property p : frame.properties()) {
      prop(request, p);
    }
  }

  /** The requested property an answered one stands for. */
  private static Prop prop(EchonetRequest request, Property answered) throws InvalidResultException {
    boolean wasRequested = request.properties().stream().anyMatch(r -> r.epc() == answered.epc());
    Prop prop = wasRequested ? request.kind().byEpc(answered.epc()).orElse(null) : null;
    if (prop == null) {
      throw new InvalidResultException(String.format(Locale.ROOT,
          "the answer lists EPC 0x%02X, which the command did not request", answered.epc()));
    }
    return prop;
  }
}
