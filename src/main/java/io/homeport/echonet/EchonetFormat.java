package io.homeport.echonet;

import io.homeport.echonet.EchonetFrame.Property;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Human-readable renderings of frames for logs, e.g. {@code SetC tid=0001 05FF01->013001
 * operationStatus(80)=on operationMode(B0)=cool setTemperature(B3)=26}.
 */
public final class EchonetFormat {

  /** Names of super class and node profile properties the class specs do not cover. */
  private static final Map<Integer, String> COMMON = Map.ofEntries(
      Map.entry(0x80, "operationStatus"),
      Map.entry(0x81, "installationLocation"),
      Map.entry(0x82, "versionInformation"),
      Map.entry(0x83, "identificationNumber"),
      Map.entry(0x88, "faultStatus"),
      Map.entry(0x8A, "manufacturerCode"),
      Map.entry(0x9D, "statusChangeAnnouncementPropertyMap"),
      Map.entry(0x9E, "setPropertyMap"),
      Map.entry(0x9F, "getPropertyMap"));
  private static final Map<Integer, String> NODE_PROFILE = Map.of(
      0xD3, "numberOfSelfNodeInstances",
      0xD4, "numberOfSelfNodeClasses",
      0xD5, "instanceListNotification",
      0xD6, "selfNodeInstanceListS",
      0xD7, "selfNodeClassListS");

  private EchonetFormat() {}

  /**
   * The frame with property names and decoded values where the class is known: the destination's
   * class for requests, the source's for responses and notifications.
   */
  public static String describe(EchonetFrame frame) {
    EchonetObject subject = frame.esv().isRequest() ? frame.deoj() : frame.seoj();
    Optional<EchonetClassSpec> spec = EchonetClasses.byClass(subject.eojClass());
    boolean nodeProfile = subject.eojClass() == EchonetObject.NODE_PROFILE.eojClass();
    StringBuilder s = new StringBuilder()
        .append(frame.esv()).append(String.format(Locale.ROOT, " tid=%04X ", frame.tid()))
        .append(frame.seoj()).append("->").append(frame.deoj());
    if (frame.esv().isSetGetFamily()) {
      s.append(" set[");
      append(s, frame.properties(), spec, nodeProfile);
      s.append(" ] get[");
      append(s, frame.readProperties(), spec, nodeProfile);
      s.append(" ]");
    } else {
      append(s, frame.properties(), spec, nodeProfile);
    }
    return s.toString();
  }

  private static void append(StringBuilder s, List<Property> props, Optional<EchonetClassSpec> spec,
      boolean nodeProfile) {
    for (Property p : props) {
      Optional<PropertySpec> ps = spec.flatMap(c -> c.property(p.epc()));
      String name = ps.map(PropertySpec::name)
          .orElseGet(() -> Optional.ofNullable(nodeProfile ? NODE_PROFILE.get(p.epc()) : null)
              .orElseGet(() -> COMMON.getOrDefault(p.epc(), "epc")));
      s.append(' ').append(name).append(String.format(Locale.ROOT, "(%02X)", p.epc()));
      if (p.pdc() == 0) {
        continue;
      }
      s.append('=');
      if (ps.isPresent()) {
        try {
          s.append(ps.get().decode(p.edt()));
          continue;
        } catch (EchonetValueException e) {
          s.append("0x").append(HexFormat.of().withUpperCase().formatHex(p.edt())).append("(invalid)");
          continue;
        }
      }
      s.append("0x").append(HexFormat.of().withUpperCase().formatHex(p.edt()));
    }
  }
}
