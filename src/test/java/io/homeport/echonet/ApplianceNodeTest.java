package io.homeport.echonet;

import static io.homeport.echonet.EchonetTestSupport.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.homeport.echonet.ApplianceNode.Outcome;
import io.homeport.echonet.EchonetClasses.GeneralLighting;
import io.homeport.echonet.EchonetClasses.HomeAirConditioner;
import io.homeport.echonet.EchonetClasses.RiceCooker;
import io.homeport.echonet.EchonetFrame.Property;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The simulated node's answers, without sockets. */
class ApplianceNodeTest {

  static final EchonetObject CONTROLLER = EchonetObject.CONTROLLER;
  static final EchonetObject AIRCON = EchonetObject.of(0x013001);

  final ApplianceNode aircon = new ApplianceNode(HomeAirConditioner.SPEC);

  static EchonetFrame answer(Outcome outcome) {
    assertThat(outcome.ignored()).isEmpty();
    return outcome.answer().orElseThrow();
  }

  @Test
  @DisplayName("Verifies that a new air conditioner is off, cooling, set to 26 °C with 24 °C in the room")
  void initialState() {
    // given a freshly created node (the field); when its state is read; then
    assertThat(aircon.deviceObject()).isEqualTo(AIRCON);
    assertThat(aircon.state()).containsExactly(
        entry("operationStatus", "off"),
        entry("operationMode", "cool"),
        entry("setTemperature", 26),
        entry("roomTemperature", 24));
  }

  @Test
  @DisplayName("Verifies that Get answers Get_Res from the device object to the requester with the request's TID")
  void get() {
    // when
    EchonetFrame res = answer(aircon.handle(EchonetFrame.get(0x0102, CONTROLLER, AIRCON, 0x80, 0xB0, 0xB3, 0xBB)));

    // then
    assertThat(res.esv()).isEqualTo(Esv.GET_RES);
    assertThat(res.tid()).isEqualTo(0x0102);
    assertThat(res.seoj()).isEqualTo(AIRCON);
    assertThat(res.deoj()).isEqualTo(CONTROLLER);
    assertThat(res.properties()).containsExactly(Property.ofByte(0x80, 0x31), Property.ofByte(0xB0, 0x42),
        Property.ofByte(0xB3, 26), Property.ofByte(0xBB, 24));
  }

  @Test
  @DisplayName("Verifies that Get with an unknown EPC gets Get_SNA: PDC 0 for it, values for the rest")
  void getSna() {
    // when
    EchonetFrame res = answer(aircon.handle(EchonetFrame.get(3, CONTROLLER, AIRCON, 0x80, 0xF0, 0xB3)));

    // then
    assertThat(res.esv()).isEqualTo(Esv.GET_SNA);
    assertThat(res.properties()).containsExactly(Property.ofByte(0x80, 0x31), Property.request(0xF0),
        Property.ofByte(0xB3, 26));
  }

  @Test
  @DisplayName("Verifies that SetC applies every valid value and answers Set_Res with PDC 0")
  void setC() {
    // when
    EchonetFrame res = answer(aircon.handle(EchonetFrame.of(4, CONTROLLER, AIRCON, Esv.SET_C,
        EchonetClasses.OPERATION_STATUS.set("on"), HomeAirConditioner.OPERATION_MODE.set("heat"),
        HomeAirConditioner.SET_TEMPERATURE.set(21))));

    // then
    assertThat(res.esv()).isEqualTo(Esv.SET_RES);
    assertThat(res.properties()).containsExactly(Property.request(0x80), Property.request(0xB0),
        Property.request(0xB3));
    assertThat(aircon.state()).containsEntry("operationStatus", "on").containsEntry("operationMode", "heat")
        .containsEntry("setTemperature", 21);
  }

  @Test
  @DisplayName("Verifies that SetC with an invalid value or a read-only EPC answers SetC_SNA echoing those EDTs and leaves them unchanged")
  void setCSna() {
    // when
    EchonetFrame res = answer(aircon.handle(EchonetFrame.of(5, CONTROLLER, AIRCON, Esv.SET_C,
        Property.ofByte(0x80, 0x30), Property.ofByte(0xB3, 60), Property.ofByte(0xBB, 10), Property.ofByte(0xF0, 1),
        new Property(0xB0, hex("42 42")))));

    // then
    assertThat(res.esv()).isEqualTo(Esv.SET_C_SNA);
    assertThat(res.properties()).containsExactly(Property.request(0x80), Property.ofByte(0xB3, 60),
        Property.ofByte(0xBB, 10), Property.ofByte(0xF0, 1), new Property(0xB0, hex("42 42")));
    assertThat(aircon.state()).containsEntry("operationStatus", "on").containsEntry("setTemperature", 26)
        .containsEntry("roomTemperature", 24).containsEntry("operationMode", "cool");
  }

  @Test
  @DisplayName("Verifies that SetI is applied silently, and answered with SetI_SNA only when something is refused")
  void setI() {
    // when
    Outcome ok = aircon.handle(EchonetFrame.of(6, CONTROLLER, AIRCON, Esv.SET_I, Property.ofByte(0xB3, 20)));
    Outcome bad = aircon.handle(EchonetFrame.of(7, CONTROLLER, AIRCON, Esv.SET_I, Property.ofByte(0xB3, 51)));

    // then
    assertThat(ok.answer()).isEmpty();
    assertThat(ok.ignored()).isEmpty();
    EchonetFrame res = answer(bad);
    assertThat(res.esv()).isEqualTo(Esv.SET_I_SNA);
    assertThat(res.properties()).containsExactly(Property.ofByte(0xB3, 51));
    assertThat(aircon.state()).containsEntry("setTemperature", 20);
  }

  @Test
  @DisplayName("Verifies that SetGet sets first and then reads, answering SetGet_Res, or SetGet_SNA if either part fails")
  void setGet() {
    // when
    EchonetFrame ok = answer(aircon.handle(EchonetFrame.setGet(8, CONTROLLER, AIRCON, Esv.SET_GET,
        List.of(Property.ofByte(0xB3, 18)), List.of(Property.request(0xB3), Property.request(0xBB)))));
    EchonetFrame sna = answer(aircon.handle(EchonetFrame.setGet(9, CONTROLLER, AIRCON, Esv.SET_GET,
        List.of(Property.ofByte(0xB3, 99)), List.of(Property.request(0xB3), Property.request(0xF5)))));

    // then
    assertThat(ok.esv()).isEqualTo(Esv.SET_GET_RES);
    assertThat(ok.properties()).containsExactly(Property.request(0xB3));
    assertThat(ok.readProperties()).containsExactly(Property.ofByte(0xB3, 18), Property.ofByte(0xBB, 24));
    assertThat(sna.esv()).isEqualTo(Esv.SET_GET_SNA);
    assertThat(sna.properties()).containsExactly(Property.ofByte(0xB3, 99));
    assertThat(sna.readProperties()).containsExactly(Property.ofByte(0xB3, 18), Property.request(0xF5));
  }

  @Test
  @DisplayName("Verifies that INF_REQ is answered with INF carrying the values")
  void infReq() {
    // when
    EchonetFrame res = answer(aircon.handle(EchonetFrame.of(10, CONTROLLER, AIRCON, Esv.INF_REQ,
        Property.request(0x80))));

    // then
    assertThat(res.esv()).isEqualTo(Esv.INF);
    assertThat(res.properties()).containsExactly(Property.ofByte(0x80, 0x31));
  }

  @Test
  @DisplayName("Verifies that frames for other objects, responses, notifications and empty requests are ignored with a reason")
  void ignored() {
    // when / then: another instance, another class
    assertThat(aircon.handle(EchonetFrame.get(1, CONTROLLER, EchonetObject.of(0x013002), 0x80)).ignored())
        .contains("unknown_object");
    assertThat(aircon.handle(EchonetFrame.get(1, CONTROLLER, EchonetObject.of(0x029001), 0x80)).ignored())
        .contains("unknown_object");
    // a response and a notification are not requests
    assertThat(aircon.handle(EchonetFrame.of(1, CONTROLLER, AIRCON, Esv.GET_RES, Property.ofByte(0x80, 0x30)))
        .ignored()).contains("not_a_request");
    assertThat(aircon.handle(EchonetFrame.of(1, CONTROLLER, AIRCON, Esv.INFC, Property.ofByte(0x80, 0x30)))
        .ignored()).contains("not_a_request");
    // a Get of nothing
    assertThat(aircon.handle(EchonetFrame.of(1, CONTROLLER, AIRCON, Esv.GET, List.of())).ignored())
        .contains("no_properties");
    // instance 0 addresses every air conditioner, so this one answers
    assertThat(answer(aircon.handle(EchonetFrame.get(1, CONTROLLER, EchonetObject.of(0x013000), 0x80))).seoj())
        .isEqualTo(AIRCON);
  }

  @Test
  @DisplayName("Verifies that the node profile answers the self-node instance list S (0xD6) and the class list")
  void nodeProfile() {
    // when
    EchonetFrame res = answer(aircon.handle(EchonetFrame.get(11, CONTROLLER, EchonetObject.of(0x0EF000),
        0xD6, 0xD7, 0xD3, 0x8A)));

    // then
    assertThat(res.esv()).isEqualTo(Esv.GET_RES);
    assertThat(res.seoj()).isEqualTo(EchonetObject.NODE_PROFILE);
    assertThat(res.property(0xD6).orElseThrow().edt()).isEqualTo(hex("01 01 30 01"));
    assertThat(res.property(0xD7).orElseThrow().edt()).isEqualTo(hex("01 01 30"));
    assertThat(res.property(0xD3).orElseThrow().edt()).isEqualTo(hex("00 00 01"));
    assertThat(res.property(0xD6).orElseThrow()).isEqualTo(
        answer(new ApplianceNode(HomeAirConditioner.SPEC).handle(
            EchonetFrame.get(1, CONTROLLER, EchonetObject.NODE_PROFILE, 0xD6))).property(0xD6).orElseThrow());
    EchonetFrame lighting = answer(new ApplianceNode(GeneralLighting.SPEC).handle(
        EchonetFrame.get(1, CONTROLLER, EchonetObject.NODE_PROFILE, 0xD6)));
    assertThat(lighting.property(0xD6).orElseThrow().edt()).isEqualTo(hex("01 02 90 01"));
    // the node profile has nothing to set
    assertThat(answer(aircon.handle(EchonetFrame.of(12, CONTROLLER, EchonetObject.NODE_PROFILE, Esv.SET_C,
        Property.ofByte(0x80, 0x31)))).esv()).isEqualTo(Esv.SET_C_SNA);
  }

  @Test
  @DisplayName("Verifies that the Get and Set property maps list what the device object answers and accepts")
  void propertyMaps() {
    // when
    EchonetFrame res = answer(aircon.handle(EchonetFrame.get(13, CONTROLLER, AIRCON, 0x9D, 0x9E, 0x9F)));

    // then
    assertThat(PropertyMap.decode(res.property(0x9E).orElseThrow().edt())).containsExactly(0x80, 0x81, 0xB0, 0xB3);
    assertThat(PropertyMap.decode(res.property(0x9F).orElseThrow().edt()))
        .containsExactly(0x80, 0x81, 0x82, 0x88, 0x8A, 0x9D, 0x9E, 0x9F, 0xB0, 0xB3, 0xBB);
    assertThat(PropertyMap.decode(res.property(0x9D).orElseThrow().edt())).containsExactly(0x80, 0x81, 0x88, 0xB0);
  }

  @Test
  @DisplayName("Verifies that a rice cooker starts cooking on start, stops on suspend, and refuses Sets of its status and cover")
  void riceCooker() {
    // given
    ApplianceNode cooker = new ApplianceNode(RiceCooker.SPEC);
    EchonetObject eoj = EchonetObject.of(0x03BB01);
    assertThat(cooker.state()).containsEntry("cookingStatus", "stop").containsEntry("coverStatus", "closed");

    // when
    EchonetFrame start = answer(cooker.handle(EchonetFrame.of(1, CONTROLLER, eoj, Esv.SET_C,
        RiceCooker.COOKING_CONTROL.set("start"))));
    // then
    assertThat(start.esv()).isEqualTo(Esv.SET_RES);
    assertThat(cooker.state()).containsEntry("cookingStatus", "cooking").containsEntry("cookingControl", "start");

    // when
    answer(cooker.handle(EchonetFrame.of(2, CONTROLLER, eoj, Esv.SET_C, RiceCooker.COOKING_CONTROL.set("suspend"))));
    EchonetFrame refused = answer(cooker.handle(EchonetFrame.of(3, CONTROLLER, eoj, Esv.SET_C,
        Property.ofByte(0xB1, 0x45), Property.ofByte(0xB0, 0x41))));
    // then
    assertThat(cooker.state()).containsEntry("cookingStatus", "stop");
    assertThat(refused.esv()).isEqualTo(Esv.SET_C_SNA);
    assertThat(refused.properties()).containsExactly(Property.ofByte(0xB1, 0x45), Property.ofByte(0xB0, 0x41));
  }
}
