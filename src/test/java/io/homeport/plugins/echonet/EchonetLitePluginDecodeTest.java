package io.homeport.plugins.echonet;

import static io.homeport.plugins.echonet.ElTestSupport.AIRCON;
import static io.homeport.plugins.echonet.ElTestSupport.LIGHTING;
import static io.homeport.plugins.echonet.ElTestSupport.RICE_COOKER;
import static io.homeport.plugins.echonet.ElTestSupport.airconOnCool26;
import static io.homeport.plugins.echonet.ElTestSupport.get;
import static io.homeport.plugins.echonet.ElTestSupport.hex;
import static io.homeport.plugins.echonet.ElTestSupport.ok;
import static io.homeport.plugins.echonet.ElTestSupport.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.homeport.plugin.spi.DeviceReport;
import io.homeport.plugin.spi.InvalidCommandException;
import io.homeport.plugin.spi.InvalidResultException;
import io.homeport.plugin.spi.PluginCommand;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Decoding the appliance's answers (written out as bytes, not produced by the codec). */
class EchonetLitePluginDecodeTest {

  final EchonetLitePlugin plugin = new EchonetLitePlugin();
  final PluginCommand getAll = get(AIRCON, Map.of());

  @Test
  @DisplayName("Verifies that Set_Res decodes to ok with the values that were set")
  void setRes() throws Exception {
    // given the air conditioner's Set_Res to "on, cool, 26 °C"
    byte[] answer = hex("10 81 00 01 01 30 01 05 FF 01 71 03 80 00 B0 00 B3 00");

    // when
    Map<String, Object> result = plugin.decode(airconOnCool26(), ok(answer));

    // then
    assertThat(result).containsExactly(
        entry("ok", true),
        entry("esv", "Set_Res"),
        entry("set", Map.of("operation", "on", "mode", "cool", "temperature", 26)));
    assertThat(new java.util.ArrayList<Object>(((Map<?, ?>) result.get("set")).keySet())).as("in frame order")
        .containsExactly("operation", "mode", "temperature");
  }

  @Test
  @DisplayName("Verifies that SetC_SNA decodes to not ok with the accepted (PDC 0) and rejected (echoed EDT) properties")
  void setCSna() throws Exception {
    // given an answer accepting operation and mode but refusing the temperature (echoed with its EDT)
    byte[] answer = hex("10 81 00 01 01 30 01 05 FF 01 51 03 80 00 B0 00 B3 01 1A");

    // when
    Map<String, Object> result = plugin.decode(airconOnCool26(), ok(answer));

    // then
    assertThat(result).containsExactly(
        entry("ok", false),
        entry("esv", "SetC_SNA"),
        entry("accepted", List.of("operation", "mode")),
        entry("rejected", List.of("temperature")));
  }

  @Test
  @DisplayName("Verifies that Get_Res decodes to ok with every property by name")
  void getRes() throws Exception {
    // given on, cool, 26 °C set, 24 °C in the room
    byte[] answer = hex("10 81 00 01 01 30 01 05 FF 01 72 04 80 01 30 B0 01 42 B3 01 1A BB 01 18");

    // when
    Map<String, Object> result = plugin.decode(getAll, ok(answer));

    // then
    assertThat(result).containsExactly(
        entry("ok", true),
        entry("esv", "Get_Res"),
        entry("properties", Map.of("operation", "on", "mode", "cool", "temperature", 26, "roomTemperature", 24)));
  }

  @Test
  @DisplayName("Verifies that special codes decode to strings: unmeasurable room temperature, undefined set temperature; negatives stay signed")
  void specialCodes() throws Exception {
    // given
    byte[] unmeasurable = hex("10 81 00 07 01 30 01 05 FF 01 72 02 B3 01 FD BB 01 7E");
    byte[] freezing = hex("10 81 00 07 01 30 01 05 FF 01 72 01 BB 01 FB");

    // when
    Map<String, Object> a = plugin.decode(getAll, ok(unmeasurable));
    Map<String, Object> b = plugin.decode(get(AIRCON, Map.of("properties", List.of("roomTemperature"))), ok(freezing));

    // then
    assertThat(a.get("properties")).isEqualTo(Map.of("temperature", "undefined", "roomTemperature", "unmeasurable"));
    assertThat(b.get("properties")).isEqualTo(Map.of("roomTemperature", -5));
  }

  @Test
  @DisplayName("Verifies that Get_SNA decodes to not ok with the readable properties and the unavailable ones")
  void getSna() throws Exception {
    // given an answer with values for operation and mode, PDC 0 for the temperatures
    byte[] answer = hex("10 81 00 01 01 30 01 05 FF 01 52 04 80 01 31 B0 01 41 B3 00 BB 00");

    // when
    Map<String, Object> result = plugin.decode(getAll, ok(answer));

    // then
    assertThat(result).containsExactly(
        entry("ok", false),
        entry("esv", "Get_SNA"),
        entry("properties", Map.of("operation", "off", "mode", "auto")),
        entry("unavailable", List.of("temperature", "roomTemperature")));
  }

  @Test
  @DisplayName("Verifies that lighting and rice cooker answers decode with their own property names")
  void otherTypes() throws Exception {
    // given
    byte[] lighting = hex("10 81 00 01 02 90 01 05 FF 01 72 02 80 01 30 B0 01 28");
    byte[] rice = hex("10 81 00 01 03 BB 01 05 FF 01 72 05 80 01 30 B0 01 42 B1 01 43 B2 01 41 E1 01 41");

    // when
    Map<String, Object> l = plugin.decode(get(LIGHTING, Map.of()), ok(lighting));
    Map<String, Object> r = plugin.decode(get(RICE_COOKER, Map.of()), ok(rice));

    // then
    assertThat(l.get("properties")).isEqualTo(Map.of("operation", "on", "brightness", 40));
    assertThat(r.get("properties")).isEqualTo(Map.of("operation", "on", "cover", "closed", "cookingStatus", "cooking",
        "cooking", "start", "warmer", "enabled"));
  }

  @Test
  @DisplayName("Verifies that a report without an appliance answer decodes to ok false with the code or status")
  void errorReports() throws Exception {
    // when / then
    assertThat(plugin.decode(airconOnCool26(), new DeviceReport("error", "appliance-timeout", null, null)))
        .containsExactly(entry("ok", false), entry("error", "appliance-timeout"));
    assertThat(plugin.decode(airconOnCool26(), new DeviceReport("rejected", null, null, null)))
        .containsExactly(entry("ok", false), entry("error", "rejected"));
    assertThat(plugin.decode(airconOnCool26(), new DeviceReport("error", null,
        hex("10 81 00 01 01 30 01 05 FF 01 71 03 80 00 B0 00 B3 00"), "application/x-echonet-lite")))
        .as("an error status wins over a payload")
        .containsExactly(entry("ok", false), entry("error", "error"));
    assertThat(plugin.decode(airconOnCool26(), new DeviceReport("ok", null, null, null)))
        .containsExactly(entry("ok", false), entry("error", "no-payload"));
  }

  @Test
  @DisplayName("Verifies that a frame from another object than the addressed one is refused")
  void otherObject() {
    // given a Set_Res from instance 2, and one from a lighting object
    byte[] otherInstance = hex("10 81 00 01 01 30 02 05 FF 01 71 03 80 00 B0 00 B3 00");
    byte[] otherClass = hex("10 81 00 01 02 90 01 05 FF 01 71 03 80 00 B0 00 B3 00");

    // when / then
    assertThatThrownBy(() -> plugin.decode(airconOnCool26(), ok(otherInstance)))
        .isInstanceOf(InvalidResultException.class).hasMessageContaining("013002").hasMessageContaining("013001");
    assertThatThrownBy(() -> plugin.decode(airconOnCool26(), ok(otherClass)))
        .isInstanceOf(InvalidResultException.class).hasMessageContaining("029001");
  }

  @Test
  @DisplayName("Verifies that a TID other than the request's is accepted")
  void otherTid() throws Exception {
    byte[] answer = hex("10 81 12 34 01 30 01 05 FF 01 71 03 80 00 B0 00 B3 00");
    assertThat(plugin.decode(airconOnCool26(), ok(answer))).containsEntry("ok", true);
  }

  @Test
  @DisplayName("Verifies that garbage, a service that does not answer the request, unrequested and invalid properties are refused")
  void malformedAnswers() {
    // a Get_Res to a SetC, a Set_Res to a Get, a request echoed back
    assertRefused(airconOnCool26(), "10 81 00 01 01 30 01 05 FF 01 72 01 80 01 30", "Get_Res");
    assertRefused(getAll, "10 81 00 01 01 30 01 05 FF 01 71 01 80 00", "Set_Res");
    assertRefused(airconOnCool26(), "10 81 00 01 01 30 01 05 FF 01 61 01 80 01 30", "SetC");
    // not a frame at all, truncated, JSON
    assertRefused(getAll, "", "not an ECHONET Lite frame");
    assertRefused(getAll, "10 81 00 01 01 30 01 05 FF 01 72 01 80 05 30", "not an ECHONET Lite frame");
    assertThatThrownBy(() -> plugin.decode(getAll, ok("{\"ok\":true}".getBytes())))
        .isInstanceOf(InvalidResultException.class);
    // a property that was not requested, an EDT the property cannot have, a Get_Res without a value
    assertRefused(get(AIRCON, Map.of("properties", List.of("operation"))),
        "10 81 00 01 01 30 01 05 FF 01 72 02 80 01 30 B0 01 42", "0xB0");
    assertRefused(getAll, "10 81 00 01 01 30 01 05 FF 01 72 01 B0 01 99", "mode");
    assertRefused(getAll, "10 81 00 01 01 30 01 05 FF 01 72 01 80 00", "operation");
  }

  @Test
  @DisplayName("Verifies that a result for a command that is itself invalid is refused as undecodable")
  void invalidCommand() {
    PluginCommand noAddress = new PluginCommand(AIRCON, "nowhere", "get", Map.of());
    assertThatThrownBy(() -> plugin.decode(noAddress, ok(hex("10 81 00 01 01 30 01 05 FF 01 72 01 80 01 30"))))
        .isInstanceOf(InvalidResultException.class).hasMessageContaining("appliance address");
  }

  @Test
  @DisplayName("Verifies that a value the codec refuses is reported against the plugin's parameter name")
  void codecRefusalNamesTheParameter() {
    // given a command that skipped the parameter checks (the codec's range is the one checked here)
    PluginCommand command = set(AIRCON, Map.of("temperature", 60L));

    // when / then
    assertThatThrownBy(() -> EchonetRequest.of(command)).isInstanceOfSatisfying(InvalidCommandException.class, e -> {
      assertThat(e.parameter()).isEqualTo("temperature");
      assertThat(e.getMessage()).isEqualTo("parameter 'temperature': 60 is out of range 0..50 (Celsius)");
    });
  }

  private void assertRefused(PluginCommand command, String answerHex, String messagePart) {
    assertThatThrownBy(() -> plugin.decode(command, ok(hex(answerHex))))
        .isInstanceOf(InvalidResultException.class).hasMessageContaining(messagePart);
  }
}
