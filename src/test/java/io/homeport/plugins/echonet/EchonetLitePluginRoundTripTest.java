package io.homeport.plugins.echonet;

import static io.homeport.plugins.echonet.ElTestSupport.AIRCON;
import static io.homeport.plugins.echonet.ElTestSupport.RICE_COOKER;
import static io.homeport.plugins.echonet.ElTestSupport.airconOnCool26;
import static io.homeport.plugins.echonet.ElTestSupport.get;
import static io.homeport.plugins.echonet.ElTestSupport.ok;
import static io.homeport.plugins.echonet.ElTestSupport.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.homeport.echonet.ApplianceNode;
import io.homeport.echonet.EchonetClasses;
import io.homeport.echonet.EchonetCodec;
import io.homeport.echonet.EchonetFrame;
import io.homeport.plugin.spi.PluginCommand;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Commands through the plugin and the simulator's protocol logic, as bytes, without sockets. */
class EchonetLitePluginRoundTripTest {

  final EchonetLitePlugin plugin = new EchonetLitePlugin();

  /** What the device agent does: forward the payload, return the appliance's answer as the report. */
  static Map<String, Object> run(EchonetLitePlugin plugin, ApplianceNode node, PluginCommand command)
      throws Exception {
    plugin.validate(command);
    byte[] request = plugin.encode(command).payload();
    EchonetFrame answer = node.handle(EchonetCodec.decode(request)).answer().orElseThrow();
    return plugin.decode(command, ok(EchonetCodec.encode(answer)));
  }

  @Test
  @DisplayName("Verifies that \"air conditioner on, cool, 26 °C\" through the simulated appliance gives Set_Res, and a following get shows the new state")
  void airconSetThenGet() throws Exception {
    // given an air conditioner that is off, heating at 20 °C
    ApplianceNode node = new ApplianceNode(EchonetClasses.HomeAirConditioner.SPEC);
    run(plugin, node, set(AIRCON, Map.of("mode", "heat", "temperature", 20L)));
    assertThat(node.state()).containsEntry("operationStatus", "off").containsEntry("operationMode", "heat");

    // when it is switched on, cooling at 26 °C
    Map<String, Object> setResult = run(plugin, node, airconOnCool26());

    // then
    assertThat(setResult).containsExactly(entry("ok", true), entry("esv", "Set_Res"),
        entry("set", Map.of("operation", "on", "mode", "cool", "temperature", 26)));
    assertThat(node.state()).containsEntry("operationStatus", "on").containsEntry("operationMode", "cool")
        .containsEntry("setTemperature", 26);

    // when read back
    Map<String, Object> getResult = run(plugin, node, get(AIRCON, Map.of()));

    // then
    assertThat(getResult).containsExactly(entry("ok", true), entry("esv", "Get_Res"),
        entry("properties", Map.of("operation", "on", "mode", "cool", "temperature", 26, "roomTemperature", 24)));
  }

  @Test
  @DisplayName("Verifies that starting the simulated rice cooker shows it cooking on the next get")
  void riceCooker() throws Exception {
    // given
    ApplianceNode node = new ApplianceNode(EchonetClasses.RiceCooker.SPEC);

    // when
    Map<String, Object> started = run(plugin, node, set(RICE_COOKER, Map.of("cooking", "start", "warmer", "disabled")));
    Map<String, Object> status = run(plugin, node, get(RICE_COOKER, Map.of("properties",
        List.of("cookingStatus", "warmer"))));

    // then
    assertThat(started).containsEntry("ok", true);
    assertThat(status.get("properties")).isEqualTo(Map.of("cookingStatus", "cooking", "warmer", "disabled"));
  }

  @Test
  @DisplayName("Verifies that a set the simulated appliance refuses in part decodes as SetC_SNA with accepted and rejected names")
  void setCSnaFromTheNode() throws Exception {
    // given a rice cooker and the plugin's SetC whose warmer EDT got corrupted on the way (0x55 is
    // no warmer setting, so the appliance refuses it and applies the rest)
    ApplianceNode node = new ApplianceNode(EchonetClasses.RiceCooker.SPEC);
    PluginCommand command = set(RICE_COOKER, Map.of("operation", "off", "warmer", "enabled"));
    EchonetFrame request = EchonetCodec.decode(plugin.encode(command).payload());
    EchonetFrame tampered = EchonetFrame.of(request.tid(), request.seoj(), request.deoj(), request.esv(),
        List.of(request.properties().get(0), new EchonetFrame.Property(0xE1, new byte[] {0x55})));

    // when
    EchonetFrame answer = node.handle(tampered).answer().orElseThrow();
    Map<String, Object> result = plugin.decode(command, ok(EchonetCodec.encode(answer)));

    // then
    assertThat(result).containsExactly(entry("ok", false), entry("esv", "SetC_SNA"),
        entry("accepted", List.of("operation")), entry("rejected", List.of("warmer")));
  }
}
