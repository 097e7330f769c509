package io.homeport.echonet;

import static io.homeport.echonet.EchonetTestSupport.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homeport.echonet.EchonetFrame.Property;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Format-1 frames: the specification's example, round trips of every kind, and the encoder's own rules. */
class EchonetCodecTest {

  static final EchonetObject CONTROLLER = EchonetObject.CONTROLLER;
  static final EchonetObject AIRCON = EchonetObject.of(0x013001);

  @Test
  @DisplayName("Verifies that the example Get frame decodes to TID 1, 05FF01 -> 013001, Get of 0x80 and re-encodes byte for byte")
  void exampleGetFrame() throws Exception {
    // given
    byte[] wire = hex("10 81 00 01 05 FF 01 01 30 01 62 01 80 00");

    // when
    EchonetFrame frame = EchonetCodec.decode(wire);

    // then
    assertThat(frame.tid()).isEqualTo(1);
    assertThat(frame.seoj()).isEqualTo(EchonetObject.of(0x05FF01));
    assertThat(frame.seoj().toString()).isEqualTo("05FF01");
    assertThat(frame.deoj()).isEqualTo(new EchonetObject(0x01, 0x30, 0x01));
    assertThat(frame.deoj().eojClass()).isEqualTo(0x0130);
    assertThat(frame.esv()).isEqualTo(Esv.GET);
    assertThat(frame.properties()).containsExactly(Property.request(0x80));
    assertThat(frame.properties().get(0).pdc()).isZero();
    assertThat(frame.readProperties()).isEmpty();
    assertThat(EchonetCodec.encode(frame)).isEqualTo(wire);
    assertThat(frame.encodedLength()).isEqualTo(wire.length);
    assertThat(EchonetFrame.get(1, CONTROLLER, AIRCON, 0x80)).isEqualTo(frame);
  }

  @Test
  @DisplayName("Verifies that a SetC of on, cool, 26 °C encodes to the expected bytes and round-trips")
  void setCRoundTrip() throws Exception {
    // given
    EchonetFrame frame = EchonetFrame.of(0x1234, CONTROLLER, AIRCON, Esv.SET_C,
        Property.ofByte(0x80, 0x30), Property.ofByte(0xB0, 0x42), Property.ofByte(0xB3, 26));

    // when
    byte[] wire = EchonetCodec.encode(frame);

    // then
    assertThat(wire).isEqualTo(hex("10 81 12 34 05 FF 01 01 30 01 61 03 80 01 30 B0 01 42 B3 01 1A"));
    assertThat(EchonetCodec.decode(wire)).isEqualTo(frame);
  }

  @Test
  @DisplayName("Verifies that a Set_Res (PDC 0 for each accepted EPC) round-trips")
  void setResRoundTrip() throws Exception {
    // given
    byte[] wire = hex("10 81 12 34 01 30 01 05 FF 01 71 03 80 00 B0 00 B3 00");

    // when
    EchonetFrame frame = EchonetCodec.decode(wire);

    // then
    assertThat(frame.esv()).isEqualTo(Esv.SET_RES);
    assertThat(frame.seoj()).isEqualTo(AIRCON);
    assertThat(frame.properties()).extracting(Property::epc).containsExactly(0x80, 0xB0, 0xB3);
    assertThat(frame.properties()).allSatisfy(p -> assertThat(p.pdc()).isZero());
    assertThat(EchonetCodec.encode(frame)).isEqualTo(wire);
  }

  @Test
  @DisplayName("Verifies that a Get_Res with values of different lengths round-trips")
  void getResRoundTrip() throws Exception {
    // given
    EchonetFrame frame = EchonetFrame.of(0xFFFF, AIRCON, CONTROLLER, Esv.GET_RES,
        Property.ofByte(0x80, 0x30), Property.ofByte(0xBB, -5),
        new Property(0x9F, hex("05 80 9E 9F B0 B3")), new Property(0x8A, hex("FF FF FF")));

    // when
    byte[] wire = EchonetCodec.encode(frame);
    EchonetFrame back = EchonetCodec.decode(wire);

    // then
    assertThat(wire).isEqualTo(hex("10 81 FF FF 01 30 01 05 FF 01 72 04 80 01 30 BB 01 FB 9F 06 05 80 9E 9F B0 B3 "
        + "8A 03 FF FF FF"));
    assertThat(back).isEqualTo(frame);
    assertThat(back.property(0xBB).orElseThrow().edt()).containsExactly((byte) -5);
    assertThat(back.property(0x9F).orElseThrow().pdc()).isEqualTo(6);
  }

  @Test
  @DisplayName("Verifies that SetGet frames carry the Set list and the Get list (OPCSet ... OPCGet ...) and round-trip")
  void setGetRoundTrip() throws Exception {
    // given
    EchonetFrame request = EchonetFrame.setGet(7, CONTROLLER, AIRCON, Esv.SET_GET,
        List.of(Property.ofByte(0xB3, 22)), List.of(Property.request(0xB3), Property.request(0xBB)));
    EchonetFrame response = EchonetFrame.setGet(7, AIRCON, CONTROLLER, Esv.SET_GET_RES,
        List.of(Property.request(0xB3)), List.of(Property.ofByte(0xB3, 22), Property.ofByte(0xBB, 24)));

    // when
    byte[] requestWire = EchonetCodec.encode(request);
    byte[] responseWire = EchonetCodec.encode(response);

    // then
    assertThat(requestWire).isEqualTo(hex("10 81 00 07 05 FF 01 01 30 01 6E 01 B3 01 16 02 B3 00 BB 00"));
    assertThat(responseWire).isEqualTo(hex("10 81 00 07 01 30 01 05 FF 01 7E 01 B3 00 02 B3 01 16 BB 01 18"));
    assertThat(EchonetCodec.decode(requestWire)).isEqualTo(request);
    EchonetFrame back = EchonetCodec.decode(responseWire);
    assertThat(back).isEqualTo(response);
    assertThat(back.readProperty(0xBB).orElseThrow().edtByte(0)).isEqualTo(24);
  }

  @Test
  @DisplayName("Verifies that SetGet frames with an empty Set or Get list round-trip")
  void setGetEmptyLists() throws Exception {
    // given
    for (EchonetFrame f : List.of(
        EchonetFrame.setGet(1, CONTROLLER, AIRCON, Esv.SET_GET, List.of(), List.of(Property.request(0x80))),
        EchonetFrame.setGet(1, CONTROLLER, AIRCON, Esv.SET_GET, List.of(Property.ofByte(0x80, 0x30)), List.of()))) {
      // when / then
      assertThat(EchonetCodec.decode(EchonetCodec.encode(f))).isEqualTo(f);
    }
  }

  @Test
  @DisplayName("Verifies that SNA responses decode with their EDTs: refused Set values echoed, unreadable Get EPCs with PDC 0")
  void snaResponses() throws Exception {
    // given: SetC_SNA refusing 60 °C (echoed) while 0x80 was accepted (PDC 0)
    byte[] setCSna = hex("10 81 00 02 01 30 01 05 FF 01 51 02 80 00 B3 01 3C");
    // Get_SNA: 0x80 answered, unknown 0xF0 with PDC 0
    byte[] getSna = hex("10 81 00 03 01 30 01 05 FF 01 52 02 80 01 31 F0 00");
    // SetI_SNA, and SetGet_SNA with a refused Set and an unreadable Get
    byte[] setISna = hex("10 81 00 04 01 30 01 05 FF 01 50 01 BB 01 10");
    byte[] setGetSna = hex("10 81 00 05 01 30 01 05 FF 01 5E 01 B3 01 FF 02 B3 01 1A F1 00");
    byte[] infSna = hex("10 81 00 06 01 30 01 05 FF 01 53 01 F2 00");

    // when
    EchonetFrame a = EchonetCodec.decode(setCSna);
    EchonetFrame b = EchonetCodec.decode(getSna);
    EchonetFrame c = EchonetCodec.decode(setISna);
    EchonetFrame d = EchonetCodec.decode(setGetSna);
    EchonetFrame e = EchonetCodec.decode(infSna);

    // then
    assertThat(a.esv()).isEqualTo(Esv.SET_C_SNA);
    assertThat(a.esv().isSna()).isTrue();
    assertThat(a.property(0x80).orElseThrow().pdc()).isZero();
    assertThat(a.property(0xB3).orElseThrow().edt()).containsExactly(0x3C);
    assertThat(b.esv()).isEqualTo(Esv.GET_SNA);
    assertThat(b.property(0x80).orElseThrow().edt()).containsExactly(0x31);
    assertThat(b.property(0xF0).orElseThrow().pdc()).isZero();
    assertThat(c.esv()).isEqualTo(Esv.SET_I_SNA);
    assertThat(c.property(0xBB).orElseThrow().edt()).containsExactly(0x10);
    assertThat(d.esv()).isEqualTo(Esv.SET_GET_SNA);
    assertThat(d.property(0xB3).orElseThrow().edt()).containsExactly(0xFF);
    assertThat(d.readProperty(0xB3).orElseThrow().edt()).containsExactly(0x1A);
    assertThat(d.readProperty(0xF1).orElseThrow().pdc()).isZero();
    assertThat(e.esv()).isEqualTo(Esv.INF_SNA);
    for (byte[] wire : List.of(setCSna, getSna, setISna, setGetSna, infSna)) {
      assertThat(EchonetCodec.encode(EchonetCodec.decode(wire))).isEqualTo(wire);
    }
  }

  @Test
  @DisplayName("Verifies that every ESV code round-trips and maps requests to their success and SNA responses")
  void esvCodes() throws Exception {
    // given
    int[][] expected = {{0x60, 0x60}, {0x61, 0x61}, {0x62, 0x62}, {0x63, 0x63}, {0x6E, 0x6E}, {0x71, 0x71},
        {0x72, 0x72}, {0x73, 0x73}, {0x74, 0x74}, {0x7A, 0x7A}, {0x7E, 0x7E}, {0x50, 0x50}, {0x51, 0x51},
        {0x52, 0x52}, {0x53, 0x53}, {0x5E, 0x5E}};
    // then
    assertThat(Esv.values()).hasSize(expected.length);
    for (int[] e : expected) {
      Esv esv = Esv.fromCode(e[0]).orElseThrow();
      assertThat(esv.code()).isEqualTo(e[1]);
      EchonetFrame f = esv.isSetGetFamily()
          ? EchonetFrame.setGet(9, CONTROLLER, AIRCON, esv, List.of(Property.ofByte(0x80, 0x30)),
              List.of(Property.request(0x80)))
          : EchonetFrame.of(9, CONTROLLER, AIRCON, esv, Property.ofByte(0x80, 0x30));
      assertThat(EchonetCodec.decode(EchonetCodec.encode(f))).isEqualTo(f);
    }
    assertThat(Esv.fromCode(0x64)).isEmpty();
    assertThat(Esv.fromCode(0x100)).isEmpty();
    assertThat(Esv.SET_C.successResponse()).contains(Esv.SET_RES);
    assertThat(Esv.SET_C.snaResponse()).contains(Esv.SET_C_SNA);
    assertThat(Esv.SET_I.successResponse()).isEmpty();
    assertThat(Esv.SET_I.snaResponse()).contains(Esv.SET_I_SNA);
    assertThat(Esv.GET.snaResponse()).contains(Esv.GET_SNA);
    assertThat(Esv.SET_GET.successResponse()).contains(Esv.SET_GET_RES);
    assertThat(Esv.SET_GET.snaResponse()).contains(Esv.SET_GET_SNA);
    assertThat(Esv.INF_REQ.successResponse()).contains(Esv.INF);
    assertThat(Esv.SET_GET_SNA.specName()).isEqualTo("SetGet_SNA");
  }

  @Test
  @DisplayName("Verifies that frames and properties reject out-of-range fields and are immutable")
  void frameRules() {
    // then
    assertThatThrownBy(() -> EchonetFrame.of(0x10000, CONTROLLER, AIRCON, Esv.GET, Property.request(0x80)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EchonetFrame.of(-1, CONTROLLER, AIRCON, Esv.GET, Property.request(0x80)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EchonetFrame.of(1, CONTROLLER, AIRCON, Esv.SET_GET, Property.request(0x80)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EchonetFrame.setGet(1, CONTROLLER, AIRCON, Esv.GET, List.of(), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new EchonetFrame(1, CONTROLLER, AIRCON, Esv.GET, List.of(), List.of(Property.request(1))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Property(0x100, new byte[0])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Property(0x80, new byte[256])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Property.ofByte(0x80, 256)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EchonetObject.of(0x1000000)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new EchonetObject(0, 256, 0)).isInstanceOf(IllegalArgumentException.class);
    List<Property> tooMany = new ArrayList<>();
    for (int i = 0; i < 256; i++) {
      tooMany.add(Property.request(0x80));
    }
    assertThatThrownBy(() -> EchonetFrame.of(1, CONTROLLER, AIRCON, Esv.GET, tooMany))
        .isInstanceOf(IllegalArgumentException.class);

    // given
    byte[] edt = {0x30};
    Property p = new Property(0x80, edt);
    // when
    edt[0] = 0x31;
    p.edt()[0] = 0x31;
    // then
    assertThat(p.edt()).containsExactly(0x30);
    List<Property> list = new ArrayList<>(List.of(p));
    EchonetFrame f = EchonetFrame.of(1, CONTROLLER, AIRCON, Esv.SET_C, list);
    list.clear();
    assertThat(f.properties()).hasSize(1);
    assertThatThrownBy(() -> f.properties().add(p)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  @DisplayName("Verifies that encoding a frame larger than the maximum frame size is refused")
  void encodeTooLarge() {
    // given: 6 properties of 255 bytes = 12 + 6 * 257 bytes
    List<Property> big = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      big.add(new Property(0x80 + i, new byte[255]));
    }
    EchonetFrame f = EchonetFrame.of(1, AIRCON, CONTROLLER, Esv.GET_RES, big);

    // then
    assertThat(f.encodedLength()).isGreaterThan(EchonetCodec.MAX_FRAME_BYTES);
    assertThatThrownBy(() -> EchonetCodec.encode(f)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("Verifies that decode reads a frame inside a larger buffer at an offset")
  void decodeWithOffset() throws Exception {
    // given
    byte[] buffer = hex("AA BB 10 81 00 01 05 FF 01 01 30 01 62 01 80 00 CC");

    // when
    EchonetFrame f = EchonetCodec.decode(buffer, 2, 14);

    // then
    assertThat(f).isEqualTo(EchonetFrame.get(1, CONTROLLER, AIRCON, 0x80));
  }

  @Test
  @DisplayName("Verifies that objects address their class's instance 0, print as six hex digits and format readably")
  void objectsAndFormat() throws Exception {
    // then
    assertThat(AIRCON.isAddressedBy(EchonetObject.of(0x013000))).isTrue();
    assertThat(AIRCON.isAddressedBy(EchonetObject.of(0x013002))).isFalse();
    assertThat(AIRCON.isAddressedBy(EchonetObject.of(0x029001))).isFalse();
    assertThat(EchonetObject.of(0x0290, 1).toInt()).isEqualTo(0x029001);
    assertThat(EchonetObject.NODE_PROFILE.toString()).isEqualTo("0EF001");

    // given
    EchonetFrame setC = EchonetCodec.decode(hex("10 81 00 01 05 FF 01 01 30 01 61 03 80 01 30 B0 01 42 B3 01 1A"));
    EchonetFrame getRes = EchonetCodec.decode(hex("10 81 00 01 01 30 01 05 FF 01 72 02 BB 01 7E F0 01 99"));
    // when / then
    assertThat(EchonetFormat.describe(setC)).isEqualTo(
        "SetC tid=0001 05FF01->013001 operationStatus(80)=on operationMode(B0)=cool setTemperature(B3)=26");
    assertThat(EchonetFormat.describe(getRes)).isEqualTo(
        "Get_Res tid=0001 013001->05FF01 roomTemperature(BB)=unmeasurable epc(F0)=0x99");
    assertThat(setC.toString()).isEqualTo("SetC tid=0001 05FF01->013001 [80:30, B0:42, B3:1A]");
  }
}
