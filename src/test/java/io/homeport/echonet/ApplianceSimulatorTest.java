package io.homeport.echonet;

import static io.homeport.echonet.EchonetTestSupport.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homeport.echonet.EchonetClasses.HomeAirConditioner;
import io.homeport.echonet.EchonetFrame.Property;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The simulator over real UDP on loopback, as a controller on the LAN would talk to it. */
class ApplianceSimulatorTest {

  static final EchonetObject CONTROLLER = EchonetObject.CONTROLLER;
  static final EchonetObject AIRCON = EchonetObject.of(0x013001);

  Vertx vertx;
  ApplianceSimulator simulator;
  DatagramSocket client;
  InetSocketAddress target;
  int nextTid = 1;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    simulator = new ApplianceSimulator(new ApplianceSimulator.Options(0x0130, "127.0.0.1", 0));
    vertx.deployVerticle(simulator).await(10, TimeUnit.SECONDS);
    target = new InetSocketAddress(InetAddress.getLoopbackAddress(), simulator.actualPort());
    client = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    client.setSoTimeout(3000);
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  void send(byte[] datagram) throws IOException {
    client.send(new DatagramPacket(datagram, datagram.length, target));
  }

  EchonetFrame receive() throws Exception {
    byte[] buffer = new byte[2048];
    DatagramPacket p = new DatagramPacket(buffer, buffer.length);
    client.receive(p);
    assertThat(p.getPort()).isEqualTo(target.getPort());
    return EchonetCodec.decode(Arrays.copyOf(buffer, p.getLength()));
  }

  /** Sends a request and returns the answer, which must carry the request's TID. */
  EchonetFrame exchange(EchonetFrame request) throws Exception {
    send(EchonetCodec.encode(request));
    EchonetFrame answer = receive();
    assertThat(answer.tid()).isEqualTo(request.tid());
    return answer;
  }

  EchonetFrame getAll() throws Exception {
    return exchange(EchonetFrame.get(nextTid++, CONTROLLER, AIRCON, 0x80, 0xB0, 0xB3, 0xBB));
  }

  @Test
  @DisplayName("Verifies that \"air conditioner on, cool, 26 °C\" as SetC gets Set_Res and a following Get returns the new state")
  void setCThenGet() throws Exception {
    // given: the simulator starts off, cool, 26 °C
    EchonetFrame before = getAll();
    assertThat(before.property(0x80)).contains(Property.ofByte(0x80, 0x31));

    // when
    EchonetFrame res = exchange(EchonetFrame.of(nextTid++, CONTROLLER, AIRCON, Esv.SET_C,
        EchonetClasses.OPERATION_STATUS.set("on"), HomeAirConditioner.OPERATION_MODE.set("cool"),
        HomeAirConditioner.SET_TEMPERATURE.set(26)));
    EchonetFrame after = getAll();

    // then
    assertThat(res.esv()).isEqualTo(Esv.SET_RES);
    assertThat(res.seoj()).isEqualTo(AIRCON);
    assertThat(res.deoj()).isEqualTo(CONTROLLER);
    assertThat(res.properties()).containsExactly(Property.request(0x80), Property.request(0xB0),
        Property.request(0xB3));
    assertThat(after.esv()).isEqualTo(Esv.GET_RES);
    assertThat(EchonetClasses.OPERATION_STATUS.decode(after.property(0x80).orElseThrow().edt())).isEqualTo("on");
    assertThat(HomeAirConditioner.OPERATION_MODE.decode(after.property(0xB0).orElseThrow().edt())).isEqualTo("cool");
    assertThat(HomeAirConditioner.SET_TEMPERATURE.decode(after.property(0xB3).orElseThrow().edt())).isEqualTo(26);
    assertThat(HomeAirConditioner.ROOM_TEMPERATURE.decode(after.property(0xBB).orElseThrow().edt())).isEqualTo(24);
  }

  @Test
  @DisplayName("Verifies that a SetC of 60 °C gets SetC_SNA echoing the value, and the state is unchanged")
  void outOfRangeTemperature() throws Exception {
    // given
    exchange(EchonetFrame.of(nextTid++, CONTROLLER, AIRCON, Esv.SET_C, HomeAirConditioner.SET_TEMPERATURE.set(22)));
    assertThatThrownBy(() -> HomeAirConditioner.SET_TEMPERATURE.set(60)).isInstanceOf(EchonetValueException.class);

    // when: a controller that does not validate sends it anyway
    EchonetFrame res = exchange(EchonetFrame.of(nextTid++, CONTROLLER, AIRCON, Esv.SET_C, Property.ofByte(0xB3, 60)));
    EchonetFrame after = getAll();

    // then
    assertThat(res.esv()).isEqualTo(Esv.SET_C_SNA);
    assertThat(res.properties()).containsExactly(Property.ofByte(0xB3, 60));
    assertThat(after.property(0xB3)).contains(Property.ofByte(0xB3, 22));
  }

  @Test
  @DisplayName("Verifies that a Get of an unknown EPC gets Get_SNA with PDC 0 for it and values for the others")
  void unknownEpc() throws Exception {
    // when
    EchonetFrame res = exchange(EchonetFrame.get(nextTid++, CONTROLLER, AIRCON, 0xB3, 0xF0));

    // then
    assertThat(res.esv()).isEqualTo(Esv.GET_SNA);
    assertThat(res.properties()).containsExactly(Property.ofByte(0xB3, 26), Property.request(0xF0));
  }

  @Test
  @DisplayName("Verifies that the example Get frame sent as raw bytes is answered, and the node profile lists the instance")
  void rawExampleAndNodeProfile() throws Exception {
    // when
    send(hex("10 81 00 01 05 FF 01 01 30 01 62 01 80 00"));
    EchonetFrame res = receive();
    EchonetFrame profile = exchange(EchonetFrame.get(nextTid++, CONTROLLER, EchonetObject.NODE_PROFILE, 0xD6));

    // then
    assertThat(res.tid()).isEqualTo(1);
    assertThat(res.esv()).isEqualTo(Esv.GET_RES);
    assertThat(res.properties()).containsExactly(Property.ofByte(0x80, 0x31));
    assertThat(profile.seoj()).isEqualTo(EchonetObject.NODE_PROFILE);
    assertThat(profile.property(0xD6).orElseThrow().edt()).isEqualTo(hex("01 01 30 01"));
  }

  @Test
  @DisplayName("Verifies that garbage datagrams are ignored and counted while the simulator keeps answering")
  void garbageIsIgnored() throws Exception {
    // given
    Random random = new Random(42);
    byte[] valid = EchonetCodec.encode(EchonetFrame.get(77, CONTROLLER, AIRCON, 0x80));

    // when
    send(new byte[0]);
    send(hex("DE AD BE EF"));
    send(hex("10 82 00 01 00 00"));
    send(Arrays.copyOf(valid, valid.length - 1)); // truncated
    send(hex("10 81 00 01 05 FF 01 01 30 01 62 01 80 00 00")); // trailing byte
    send(hex("10 81 00 01 05 FF 01 01 30 01 99 01 80 00")); // unknown ESV
    send(EchonetCodec.encode(EchonetFrame.get(78, CONTROLLER, EchonetObject.of(0x029001), 0x80))); // other object
    send(EchonetCodec.encode(EchonetFrame.of(79, CONTROLLER, AIRCON, Esv.GET_RES, Property.ofByte(0x80, 0x30))));
    EchonetFrame first = exchange(EchonetFrame.get(80, CONTROLLER, AIRCON, 0x80));
    for (int round = 0; round < 10; round++) { // bursts of junk, each followed by a request that must be answered
      for (int i = 0; i < 20; i++) {
        byte[] junk = new byte[random.nextInt(64)];
        random.nextBytes(junk);
        send(junk);
      }
      assertThat(exchange(EchonetFrame.get(81 + round, CONTROLLER, AIRCON, 0xB3)).esv()).isEqualTo(Esv.GET_RES);
    }

    // then: nothing but the answers came back, and every dropped datagram was counted
    assertThat(first.esv()).isEqualTo(Esv.GET_RES);
    client.setSoTimeout(300);
    assertThatThrownBy(this::receive).isInstanceOf(SocketTimeoutException.class);
    assertThat(simulator.received()).isEqualTo(8 + 1 + 200 + 10);
    assertThat(simulator.answered()).isEqualTo(11);
    assertThat(simulator.ignored().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(208);
    assertThat(simulator.ignored()).containsKeys("too_short", "bad_ehd1", "unsupported_ehd2", "trailing_bytes",
        "unknown_esv", "unknown_object", "not_a_request");
    assertThat(simulator.ignored()).doesNotContainKey("internal_error");
  }

  @Test
  @DisplayName("Verifies that SetI changes the state without an answer and SetGet answers with the values just set")
  void setIAndSetGet() throws Exception {
    // when
    send(EchonetCodec.encode(EchonetFrame.of(nextTid++, CONTROLLER, AIRCON, Esv.SET_I,
        HomeAirConditioner.OPERATION_MODE.set("dry"))));
    EchonetFrame res = exchange(EchonetFrame.setGet(nextTid++, CONTROLLER, AIRCON, Esv.SET_GET,
        List.of(HomeAirConditioner.SET_TEMPERATURE.set(19)),
        List.of(Property.request(0xB0), Property.request(0xB3))));

    // then
    assertThat(res.esv()).isEqualTo(Esv.SET_GET_RES);
    assertThat(res.readProperties()).containsExactly(Property.ofByte(0xB0, 0x44), Property.ofByte(0xB3, 19));
    assertThat(simulator.node().state()).containsEntry("operationMode", "dry").containsEntry("setTemperature", 19);
  }

  @Test
  @DisplayName("Verifies that the simulator refuses classes it cannot simulate")
  void unsupportedClass() {
    // when / then
    assertThatThrownBy(() -> new ApplianceSimulator.Options(0x0131, "127.0.0.1", 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0x0131");
    assertThatThrownBy(() -> new ApplianceSimulator.Options(0x0130, "127.0.0.1", 70000))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
