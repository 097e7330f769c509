package io.homeport.echonet;

import io.homeport.echonet.EchonetFrame.Property;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The protocol logic of a simulated ECHONET Lite node: one device object (instance 1 of a
 * supported class) and the node profile object 0x0EF001, their property state in memory, and the
 * answer to each request. No I/O: {@link ApplianceSimulator} moves the datagrams.
 *
 * <p>Answers follow the specification's request/response rules:
 *
 * <ul>
 *   <li>Get: Get_Res with every value; if any EPC is unknown or not readable, Get_SNA in which
 *       those EPCs have PDC 0 and the rest still carry their values.
 *   <li>SetC: Set_Res with PDC 0 for every EPC; if any EPC is unknown, read-only or its value is
 *       invalid, SetC_SNA in which those EPCs echo the request's EDT (and stay unchanged) while the
 *       accepted ones have PDC 0 (and are applied).
 *   <li>SetI: no answer when everything is accepted, otherwise SetI_SNA as for SetC.
 *   <li>SetGet: the Set list is applied first, then the Get list read; SetGet_Res, or SetGet_SNA
 *       if anything in either list failed.
 *   <li>INF_REQ: INF with the values (sent back to the requester), or INF_SNA.
 * </ul>
 *
 * Frames for other objects, responses and notifications are ignored, with a reason. Thread-safe.
 */
public final class ApplianceNode {

  /** The device object's instance code. */
  public static final int INSTANCE = 1;
  /** Manufacturer code for experimental use. */
  private static final byte[] EXPERIMENTAL_MANUFACTURER = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF};

  /** What became of one request. */
  public record Outcome(EchonetFrame response, String ignoredReason) {
    static Outcome answer(EchonetFrame response) {
      return new Outcome(Objects.requireNonNull(response), null);
    }

    static Outcome silent() {
      return new Outcome(null, null);
    }

    static Outcome ignored(String reason) {
      return new Outcome(null, Objects.requireNonNull(reason));
    }

    /** The answer to send back, if any (a successful SetI has none). */
    public Optional<EchonetFrame> answer() {
      return Optional.ofNullable(response);
    }

    /** Why the frame was not processed, if it was not (a stable, metric-friendly word). */
    public Optional<String> ignored() {
      return Optional.ofNullable(ignoredReason);
    }
  }

  private static final class Slot {
    final boolean gettable;
    /** Null: not settable; otherwise why an EDT is refused, or empty. */
    final Function<byte[], Optional<String>> setCheck;
    byte[] value;

    Slot(byte[] value, boolean gettable, Function<byte[], Optional<String>> setCheck) {
      this.value = value;
      this.gettable = gettable;
      this.setCheck = setCheck;
    }
  }

  private final EchonetClassSpec spec;
  private final EchonetObject device;
  private final Map<Integer, Slot> deviceSlots = new TreeMap<>();
  private final Map<Integer, Slot> profileSlots = new TreeMap<>();

  /** A node simulating instance 1 of {@code spec} with the class's initial state. */
  public ApplianceNode(EchonetClassSpec spec) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.device = spec.instance(INSTANCE);
    Map<Integer, byte[]> initial = initialState(spec.eojClass());
    for (PropertySpec p : spec.properties()) {
      byte[] value = Objects.requireNonNull(initial.get(p.epc()), () -> "no initial value for " + p);
      deviceSlots.put(p.epc(), new Slot(value, true, p.settable() ? p::checkSet : null));
    }
    // super class properties every device object has
    deviceSlots.put(0x81, new Slot(new byte[] {0x00}, true, edt ->
        edt.length == 1 || edt.length == 17 && edt[0] == 0x01 ? Optional.empty()
            : Optional.of("installationLocation: 1 byte, or 17 bytes starting 0x01")));
    deviceSlots.put(0x82, readOnly(new byte[] {0x00, 0x00, 'J', 0x00})); // Appendix release J
    deviceSlots.put(0x88, readOnly(new byte[] {0x42})); // no fault
    deviceSlots.put(0x8A, readOnly(EXPERIMENTAL_MANUFACTURER));
    List<Integer> announced = new ArrayList<>(List.of(0x80, 0x81, 0x88));
    if (spec.eojClass() == EchonetClasses.HomeAirConditioner.CLASS) {
      announced.add(0xB0);
    }
    addPropertyMaps(deviceSlots, announced);

    profileSlots.put(0x80, readOnly(new byte[] {0x30}));
    profileSlots.put(0x82, readOnly(new byte[] {0x01, 0x0E, 0x01, 0x00})); // version 1.14, format 1
    byte[] id = new byte[17];
    id[0] = (byte) 0xFE;
    System.arraycopy(EXPERIMENTAL_MANUFACTURER, 0, id, 1, 3);
    id[15] = (byte) (spec.eojClass() >> 8);
    id[16] = (byte) spec.eojClass();
    profileSlots.put(0x83, readOnly(id));
    profileSlots.put(0x8A, readOnly(EXPERIMENTAL_MANUFACTURER));
    profileSlots.put(0xD3, readOnly(new byte[] {0x00, 0x00, 0x01}));
    profileSlots.put(0xD4, readOnly(new byte[] {0x00, 0x02})); // including the node profile class
    profileSlots.put(0xD6, readOnly(new byte[] {0x01, (byte) device.classGroupCode(), (byte) device.classCode(),
        (byte) device.instanceCode()}));
    profileSlots.put(0xD7, readOnly(new byte[] {0x01, (byte) device.classGroupCode(), (byte) device.classCode()}));
    addPropertyMaps(profileSlots, List.of(0x80, 0xD5));
  }

  /** The simulated device object, e.g. 0x013001. */
  public EchonetObject deviceObject() {
    return device;
  }

  public EchonetClassSpec classSpec() {
    return spec;
  }

  /** The device object's state by property name, decoded (e.g. {@code setTemperature=26}). */
  public synchronized Map<String, Object> state() {
    Map<String, Object> out = new LinkedHashMap<>();
    for (PropertySpec p : spec.properties()) {
      out.put(p.name(), p.decode(deviceSlots.get(p.epc()).value));
    }
    return out;
  }

  /** The device object's current EDT for this EPC. */
  public synchronized Optional<byte[]> edt(int epc) {
    return Optional.ofNullable(deviceSlots.get(epc)).map(s -> s.value.clone());
  }

  /** Processes one decoded frame. */
  public synchronized Outcome handle(EchonetFrame request) {
    Esv esv = request.esv();
    if (!esv.isRequest()) {
      return Outcome.ignored("not_a_request");
    }
    Map<Integer, Slot> slots;
    EchonetObject self;
    if (device.isAddressedBy(request.deoj())) {
      slots = deviceSlots;
      self = device;
    } else if (EchonetObject.NODE_PROFILE.isAddressedBy(request.deoj())) {
      slots = profileSlots;
      self = EchonetObject.NODE_PROFILE;
    } else {
      return Outcome.ignored("unknown_object");
    }
    if (request.properties().isEmpty() && request.readProperties().isEmpty()) {
      return Outcome.ignored("no_properties");
    }
    boolean[] failed = {false};
    List<Property> answer;
    List<Property> readAnswer = List.of();
    switch (esv) {
      case GET, INF_REQ -> answer = read(slots, request.properties(), failed);
      case SET_C, SET_I -> answer = write(slots, request.properties(), failed);
      case SET_GET -> {
        answer = write(slots, request.properties(), failed);
        readAnswer = read(slots, request.readProperties(), failed);
      }
      default -> {
        return Outcome.ignored("not_a_request");
      }
    }
    if (esv == Esv.SET_I && !failed[0]) {
      return Outcome.silent();
    }
    Esv responseEsv = (failed[0] ? esv.snaResponse() : esv.successResponse()).orElseThrow();
    return Outcome.answer(new EchonetFrame(request.tid(), self, request.seoj(), responseEsv, answer, readAnswer));
  }

  private static List<Property> read(Map<Integer, Slot> slots, List<Property> requested, boolean[] failed) {
    List<Property> out = new ArrayList<>(requested.size());
    for (Property p : requested) {
      Slot slot = slots.get(p.epc());
      if (slot == null || !slot.gettable) {
        failed[0] = true;
        out.add(Property.request(p.epc()));
      } else {
        out.add(new Property(p.epc(), slot.value));
      }
    }
    return out;
  }

  private List<Property> write(Map<Integer, Slot> slots, List<Property> requested, boolean[] failed) {
    List<Property> out = new ArrayList<>(requested.size());
    for (Property p : requested) {
      Slot slot = slots.get(p.epc());
      byte[] edt = p.edt();
      if (slot == null || slot.setCheck == null || slot.setCheck.apply(edt).isPresent()) {
        failed[0] = true;
        out.add(p); // refused: echo EPC, PDC and EDT; the state stays as it was
      } else {
        slot.value = edt;
        if (slots == deviceSlots) {
          afterSet(p.epc(), edt);
        }
        out.add(Property.request(p.epc()));
      }
    }
    return out;
  }

  /** Consequences of an accepted Set on other properties. */
  private void afterSet(int epc, byte[] edt) {
    if (spec.eojClass() == EchonetClasses.RiceCooker.CLASS && epc == EchonetClasses.RiceCooker.COOKING_CONTROL.epc()) {
      // start/restart: cooking; suspension: stopped
      deviceSlots.get(EchonetClasses.RiceCooker.COOKING_STATUS.epc()).value =
          new byte[] {(byte) (edt[0] == 0x41 ? 0x43 : 0x41)};
    }
  }

  private static Slot readOnly(byte[] value) {
    return new Slot(value, true, null);
  }

  private static void addPropertyMaps(Map<Integer, Slot> slots, List<Integer> announced) {
    List<Integer> settable = new ArrayList<>();
    for (Map.Entry<Integer, Slot> e : slots.entrySet()) {
      if (e.getValue().setCheck != null) {
        settable.add(e.getKey());
      }
    }
    slots.put(0x9D, readOnly(PropertyMap.encode(announced)));
    slots.put(0x9E, readOnly(PropertyMap.encode(settable)));
    // 0x9F is gettable itself: enter it first so the map computed below includes it, then fill in its value
    slots.put(0x9F, readOnly(new byte[0]));
    List<Integer> gettable = new ArrayList<>();
    for (Map.Entry<Integer, Slot> e : slots.entrySet()) {
      if (e.getValue().gettable) {
        gettable.add(e.getKey());
      }
    }
    slots.get(0x9F).value = PropertyMap.encode(gettable);
  }

  /** Sensible initial values: appliances start switched off where they can be switched. */
  private static Map<Integer, byte[]> initialState(int eojClass) {
    Map<Integer, byte[]> m = new TreeMap<>();
    switch (eojClass) {
      case EchonetClasses.HomeAirConditioner.CLASS -> {
        m.put(0x80, new byte[] {0x31}); // off
        m.put(0xB0, new byte[] {0x42}); // cool
        m.put(0xB3, new byte[] {26}); // 26 °C
        m.put(0xBB, new byte[] {24}); // 24 °C in the room
      }
      case EchonetClasses.GeneralLighting.CLASS -> {
        m.put(0x80, new byte[] {0x31}); // off
        m.put(0xB0, new byte[] {100}); // full brightness when switched on
      }
      case EchonetClasses.RiceCooker.CLASS -> {
        m.put(0x80, new byte[] {0x30}); // on (plugged in, idle)
        m.put(0xB0, new byte[] {0x42}); // cover closed
        m.put(0xB1, new byte[] {0x41}); // stopped
        m.put(0xB2, new byte[] {0x42}); // suspended
        m.put(0xE1, new byte[] {0x41}); // keep warm enabled
      }
      default -> throw new IllegalArgumentException(String.format("no simulation for class 0x%04X", eojClass));
    }
    return m;
  }
}
