package io.homeport.plugins.echonet;

import static io.homeport.testing.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.agent.AgentState;
import io.homeport.agent.ApplianceRouter;
import io.homeport.agent.DeviceAgent;
import io.homeport.agent.DeviceBundle;
import io.homeport.agent.EchoHandler;
import io.homeport.agent.EchonetLanForwarder;
import io.homeport.device.HostedAppliance;
import io.homeport.echonet.ApplianceSimulator;
import io.homeport.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ECHONET Lite plugin end to end: API, plugin (loaded from its jar), store, wake, device channel,
 * the reference agent's LAN forwarder, and the appliance simulator over UDP.
 */
class EchonetEndToEndTest {
  @TempDir
  static Path dir;
  static TestServer server;
  static Vertx lan;
  static String address;

  @BeforeAll
  static void start() throws Exception {
    // given the plugin jar in the server's plugins directory
    Path data = dir.resolve("data");
    Files.createDirectories(data.resolve("plugins"));
    EchonetLitePluginLoadingTest.buildPluginJar(data.resolve("plugins/echonet-lite.jar"));
    server = TestServer.start(data);
    // and an air conditioner on the "LAN", and a gateway device that reaches it
    lan = Vertx.vertx();
    ApplianceSimulator aircon = new ApplianceSimulator(new ApplianceSimulator.Options(0x0130, "127.0.0.1", 0));
    lan.deployVerticle(aircon).await(10, TimeUnit.SECONDS);
    address = "127.0.0.1:" + aircon.actualPort() + "#1";
    DeviceBundle bundle = server.enrollDevice("gw-1");
    DeviceAgent agent = new DeviceAgent(bundle, Clock.systemUTC(),
        new ApplianceRouter(Map.of(EchonetLanForwarder.CONTENT_TYPE, new EchonetLanForwarder(lan, 0, Duration.ofSeconds(3))),
            new EchoHandler(lan)),
        Duration.ZERO, List.of(new HostedAppliance("echonet-lite", "home-air-conditioner", address)));
    lan.deployVerticle(agent).await(10, TimeUnit.SECONDS);
    TestServer.await("the gateway reported its appliance", Duration.ofSeconds(5), () -> {
      try {
        return agent.state() == AgentState.ONLINE
            && !server.admin("GET", "/api/v1/devices/gw-1", null, 200).getJsonArray("appliances").isEmpty();
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
  }

  @AfterAll
  static void stop() throws Exception {
    lan.close().await(10, TimeUnit.SECONDS);
    server.close();
  }

  private static String command(String action, String params) {
    return "{\"plugin\":\"echonet-lite\",\"appliance\":{\"type\":\"home-air-conditioner\",\"address\":\"" + address
        + "\"},\"action\":\"" + action + "\",\"params\":" + params + "}";
  }

  @Test
  @DisplayName("Verifies that 'air conditioner on, cool, 26 °C' is encoded, forwarded, answered with Set_Res and decoded, "
      + "that a following get returns the new state, and that the decoded result is in the command event")
  void setThenGet() throws Exception {
    List<JsonObject> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    server.vertx().eventBus().<io.homeport.event.LoggedEvent>consumer(io.homeport.event.EventAddresses.EVENTS, m -> {
      if (m.body().event().type() == io.homeport.event.EventType.COMMAND_SUCCEEDED) {
        events.add(m.body().toJson());
      }
    }).completion().await();
    // when the operator switches it on, to cool at 26 °C, and waits
    JsonObject set = server.admin("POST", "/api/v1/devices/gw-1/commands?wait=10s",
        command("set", "{\"operation\":\"on\",\"mode\":\"cool\",\"temperature\":26}"), 200);
    // then the decoded Set_Res comes back
    assertThat(set.getString("state")).as(set.encode()).isEqualTo("succeeded");
    assertThat(set.getString("plugin")).isEqualTo("echonet-lite");
    JsonObject data = set.getJsonObject("result").getJsonObject("data");
    assertThat(data.getBoolean("ok")).isTrue();
    assertThat(data.getString("esv")).isEqualTo("Set_Res");
    assertThat(data.getJsonObject("set").getMap()).containsEntry("operation", "on").containsEntry("mode", "cool")
        .containsEntry("temperature", 26);
    TestServer.await("the succeeded event", Duration.ofSeconds(2), () -> !events.isEmpty());
    JsonObject event = events.get(0).getJsonObject("data");
    assertThat(event.getString("commandId")).isEqualTo(set.getString("id"));
    assertThat(event.getString("plugin")).isEqualTo("echonet-lite");
    assertThat(event.getJsonObject("result").getString("esv")).isEqualTo("Set_Res");
    // and a get reads the new state back from the appliance
    JsonObject get = server.admin("POST", "/api/v1/devices/gw-1/commands?wait=10s", command("get", "{}"), 200);
    JsonObject properties = get.getJsonObject("result").getJsonObject("data").getJsonObject("properties");
    assertThat(properties.getString("operation")).isEqualTo("on");
    assertThat(properties.getString("mode")).isEqualTo("cool");
    assertThat(properties.getInteger("temperature")).isEqualTo(26);
    assertThat(properties.getValue("roomTemperature")).isNotNull();
  }

  @Test
  @DisplayName("Verifies that invalid plugin commands are refused at the API naming the parameter, and never stored")
  void refusals() throws Exception {
    int before = server.admin("GET", "/api/v1/devices/gw-1/commands", null, 200).getJsonArray("items").size();
    String admin = server.adminToken();
    String path = "/api/v1/devices/gw-1/commands";
    assertThat(assertProblem(server.api("POST", path, admin, command("set", "{\"temperature\":60}")), 400, "invalid-field")
        .getString("field")).isEqualTo("params.temperature");
    assertThat(assertProblem(server.api("POST", path, admin, command("set", "{\"mode\":\"turbo\"}")), 400, "invalid-field")
        .getString("field")).isEqualTo("params.mode");
    assertProblem(server.api("POST", path, admin, command("set", "{}")), 400, "invalid-field");
    assertProblem(server.api("POST", path, admin, command("defrost", "{}")), 400, "invalid-field");
    assertProblem(server.api("POST", path, admin, "{\"plugin\":\"nope\",\"appliance\":{\"type\":\"home-air-conditioner\","
        + "\"address\":\"" + address + "\"},\"action\":\"get\"}"), 409, "appliance-not-hosted");
    assertProblem(server.api("POST", path, admin, command("get", "{}").replace(address, "127.0.0.1:9#1")), 409,
        "appliance-not-hosted");
    assertProblem(server.api("POST", path, admin, "{\"plugin\":\"echonet-lite\",\"action\":\"get\"}"), 400, "invalid-field");
    assertThat(server.admin("GET", path, null, 200).getJsonArray("items").size()).isEqualTo(before);
  }

  @Test
  @DisplayName("Verifies that the plugin is listed with its appliance types and actions")
  void listed() throws Exception {
    JsonObject plugins = server.admin("GET", "/api/v1/plugins", null, 200);
    assertThat(plugins.getJsonArray("failed")).isEmpty();
    JsonObject el = plugins.getJsonArray("loaded").getJsonObject(0);
    assertThat(el.getString("id")).isEqualTo("echonet-lite");
    assertThat(el.getJsonArray("applianceTypes").stream().map(t -> ((JsonObject) t).getString("name")).toList())
        .contains("home-air-conditioner", "general-lighting", "rice-cooker");
  }
}
