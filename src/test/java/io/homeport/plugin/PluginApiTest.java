package io.homeport.plugin;

import static io.homeport.testing.ProblemAssert.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.agent.AgentState;
import io.homeport.agent.DeviceAgent;
import io.homeport.auth.Role;
import io.homeport.command.CommandResult;
import io.homeport.device.HostedAppliance;
import io.homeport.testing.PluginJars;
import io.homeport.testing.TestServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plugins dropped into a running server: reload, use, and broken jars that never stop it. */
class PluginApiTest {

  @Test
  @DisplayName("Verifies that a jar built on the fly and dropped in is loaded on reload and carries a command end to end, "
      + "and that broken jars are reported with their reasons while the server keeps serving")
  void dropInReloadUse(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.start(dir.resolve("data"))) {
      Path plugins = dir.resolve("data/plugins");
      Files.createDirectories(plugins);
      assertThat(server.admin("GET", "/api/v1/plugins", null, 200).getJsonArray("loaded")).isEmpty();

      // given a gateway whose handler answers the demo plugin's payloads, reporting a demo lamp
      Vertx agents = Vertx.vertx();
      List<String> payloadsSeen = new CopyOnWriteArrayList<>();
      DeviceAgent agent = new DeviceAgent(server.enrollDevice("gw-2"), Clock.systemUTC(), command -> {
        payloadsSeen.add(new String(Base64.getDecoder().decode(command.getString("payload")), StandardCharsets.UTF_8));
        return Future.succeededFuture(new CommandResult(CommandResult.Status.OK, null, null,
            "lamp at 40".getBytes(StandardCharsets.UTF_8), "text/plain"));
      }, Duration.ZERO, List.of(new HostedAppliance("demo", "lamp", "lamp-1")));
      agents.deployVerticle(agent).await(10, TimeUnit.SECONDS);
      TestServer.await("the agent is online", Duration.ofSeconds(5), () -> agent.state() == AgentState.ONLINE);

      try {
        // when a plugin jar is dropped in and an admin reloads
        PluginJars.working(plugins, "demo.jar", "demo", "demo");
        String integrator = server.server().tokens().mint(Role.INTEGRATOR, "viewer", 300);
        assertProblem(server.api("POST", "/api/v1/plugins/reload", integrator, null), 403, "forbidden");
        JsonObject reloaded = server.admin("POST", "/api/v1/plugins/reload", null, 200);
        assertThat(reloaded.getJsonArray("loaded").getJsonObject(0).getString("id")).isEqualTo("demo");

        // then a command through it is encoded, delivered, and its result decoded
        JsonObject c = server.admin("POST", "/api/v1/devices/gw-2/commands?wait=10s", "{\"plugin\":\"demo\","
            + "\"appliance\":{\"type\":\"lamp\",\"address\":\"lamp-1\"},\"action\":\"set\",\"params\":{\"level\":40}}", 200);
        assertThat(c.getString("state")).as(c.encode()).isEqualTo("succeeded");
        assertThat(payloadsSeen).containsExactly("L40");
        assertThat(c.getJsonObject("result").getJsonObject("data").getString("echo")).isEqualTo("lamp at 40");

        // when broken jars are added and the plugins reloaded
        PluginJars.build(plugins.resolve("broken-no-service.jar"),
            Map.of("vendor.nos.Plugin", PluginJars.pluginSource("nos", "nos", "SpiVersion.CURRENT", "")), null);
        PluginJars.build(plugins.resolve("broken-future.jar"),
            Map.of("vendor.future.Plugin", PluginJars.pluginSource("future", "future", "42", "")), "vendor.future.Plugin\n");
        JsonObject after = server.admin("POST", "/api/v1/plugins/reload", null, 200);

        // then they are reported with their reasons, the good plugin still works, and the server serves
        assertThat(after.getJsonArray("failed").stream().map(f -> ((JsonObject) f).getString("jar")).toList())
            .containsExactlyInAnyOrder("broken-no-service.jar", "broken-future.jar");
        assertThat(after.getJsonArray("failed").encode()).contains("no service entry").contains("wrong SPI version");
        assertThat(server.admin("GET", "/api/v1/plugins", null, 200).getJsonArray("failed")).hasSize(2);
        JsonObject again = server.admin("POST", "/api/v1/devices/gw-2/commands?wait=10s", "{\"plugin\":\"demo\","
            + "\"appliance\":{\"type\":\"lamp\",\"address\":\"lamp-1\"},\"action\":\"set\",\"params\":{\"level\":5}}", 200);
        assertThat(again.getString("state")).isEqualTo("succeeded");
        assertThat(server.api("GET", "/health", null, null).statusCode()).isEqualTo(200);

        // and a removed plugin can no longer be used
        Files.delete(plugins.resolve("demo.jar"));
        server.admin("POST", "/api/v1/plugins/reload", null, 200);
        assertProblem(server.api("POST", "/api/v1/devices/gw-2/commands", server.adminToken(), "{\"plugin\":\"demo\","
            + "\"appliance\":{\"type\":\"lamp\",\"address\":\"lamp-1\"},\"action\":\"set\",\"params\":{\"level\":5}}"),
            400, "plugin-not-loaded");
      } finally {
        agents.close().await(10, TimeUnit.SECONDS);
      }
    }
  }
}
