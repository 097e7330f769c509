package io.homeport.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.agent.ApplianceRouter;
import io.homeport.agent.ConsentPolicy;
import io.homeport.agent.DeviceAgent;
import io.homeport.agent.EchoHandler;
import io.homeport.agent.EchonetLanForwarder;
import io.homeport.agent.Enroller;
import io.homeport.device.HostedAppliance;
import io.homeport.echonet.ApplianceSimulator;
import io.homeport.plugins.echonet.EchonetLitePluginLoadingTest;
import io.homeport.testing.TestAgents;
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
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator console in Debian's chromium, driven by playwright-core (src/test/console/console.test.mjs),
 * against a real server with real agents: the script drives the pages and asks this test, by lines on its
 * standard output, to do what only the device side can (run an enrolled agent, check both agents ended a
 * session). Screenshots of each page land in target/console-screenshots.
 */
class ConsoleBrowserTest {
  static final Path SCREENSHOTS = NodeScript.DIR.resolve("../../../target/console-screenshots").normalize();
  static final Duration RUN_LIMIT = Duration.ofMinutes(4);

  @Test
  @DisplayName("Verifies that in a real browser an operator signs in, sees a device run by a real agent come online without "
      + "reloading, sends an ECHONET Lite command from the generated form and sees its result and the API's message for an "
      + "out-of-range parameter, ends a session in both agents, publishes an address list, tails events and mints a "
      + "limited integrator token that sees only its device, rotates the admin token (the old one refused at once), with "
      + "no request refused by auth")
  void consoleInChromium(@TempDir Path dir) throws Exception {
    NodeScript.requireBrowserTools();
    // given a server with the ECHONET Lite plugin, an air conditioner on the loopback "LAN"
    Path data = dir.resolve("data");
    Files.createDirectories(data.resolve("plugins"));
    EchonetLitePluginLoadingTest.buildPluginJar(data.resolve("plugins/echonet-lite.jar"));
    Vertx lan = Vertx.vertx();
    try (TestServer server = TestServer.start(data); TestAgents agents = new TestAgents(server)) {
      ApplianceSimulator aircon = new ApplianceSimulator(new ApplianceSimulator.Options(0x0130, "127.0.0.1", 0));
      lan.deployVerticle(aircon).await(10, TimeUnit.SECONDS);
      String address = "127.0.0.1:" + aircon.actualPort() + "#1";
      // and an established session between the agents of alpha and bravo
      DeviceAgent alpha = agents.start("a", "alpha", ConsentPolicy.REJECT_ALL);
      DeviceAgent bravo = agents.start("b", "bravo", ConsentPolicy.REJECT_ALL);
      agents.permit("b", "server", "a");
      String sessionId = agents.session(alpha, "bravo").id();

      // when the browser script runs through the console
      Map<String, String> env = Map.of("CONSOLE_ORIGIN", "http://127.0.0.1:" + server.server().apiPort(),
          "ADMIN_TOKEN", server.adminToken(), "SESSION_ID", sessionId, "SCREENSHOTS", SCREENSHOTS.toString());
      NodeScript.Run run = NodeScript.run(List.of("console.test.mjs"), env, RUN_LIMIT, line -> {
          // then each request of the script is answered by what the device side saw
          if (line.startsWith("ENROLL ")) {
            DeviceAgent gateway = new DeviceAgent(Enroller.enroll(server.deviceChannel(), line.substring(7)),
                Clock.systemUTC(), new ApplianceRouter(Map.of(EchonetLanForwarder.CONTENT_TYPE,
                    new EchonetLanForwarder(lan, 0, Duration.ofSeconds(3))), new EchoHandler(lan)),
                Duration.ZERO, List.of(new HostedAppliance("echonet-lite", "home-air-conditioner", address)));
            lan.deployVerticle(gateway).await(10, TimeUnit.SECONDS);
            TestServer.await("gw-1 reported its appliance", Duration.ofSeconds(10), () -> !appliances(server).isEmpty());
            return "STARTED";
          }
          if (line.startsWith("ENDED ")) {
            TestServer.await("both agents dropped the session", Duration.ofSeconds(5),
                () -> alpha.session(sessionId).isEmpty() && bravo.session(sessionId).isEmpty());
            TestServer.await("both agents reported the end", Duration.ofSeconds(5), () -> bothReported(agents, sessionId));
            JsonObject log = agents.log(sessionId);
            assertThat(log.getString("endedBy")).isEqualTo("operator");
            assertThat(log.getString("operator")).isEqualTo("admin");
            return "CHECKED";
          }
          if (line.startsWith("COMMAND ")) {
            server.admin("POST", "/api/v1/devices/" + line.substring(8) + "/commands",
                "{\"plugin\":\"echonet-lite\",\"appliance\":{\"type\":\"home-air-conditioner\",\"address\":\"" + address
                    + "\"},\"action\":\"get\"}", 201);
            return "SENT";
          }
          return null;
        });
      System.out.println(run.output());
      assertThat(run.exitCode()).as(run.output()).isZero();
      assertThat(run.output()).contains("PASSED").doesNotContain("FAILED");
      assertThat(SCREENSHOTS.resolve("03-device.png")).isRegularFile();
      // and the admin token rotated from the console is refused, the file holding its successor
      assertThat(server.api("GET", "/api/v1/devices", server.adminToken(), null).statusCode()).isEqualTo(401);
      assertThat(io.homeport.auth.AdminToken.read(data)).isPresent().get()
          .isNotEqualTo(server.adminToken());
    } finally {
      lan.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("Verifies that the figures check prints the console's page weight and its time to first render on loopback")
  void figures(@TempDir Path dir) throws Exception {
    NodeScript.requireBrowserTools();
    // given a server with a device
    try (TestServer server = TestServer.start(dir.resolve("data"))) {
      server.createDevice("fridge-1");
      // when the figures check loads the console cold three times
      NodeScript.Run run = NodeScript.run(List.of("figures.mjs", "http://127.0.0.1:" + server.server().apiPort(), "3"), Map.of("HOMEPORT_TOKEN", server.adminToken()), RUN_LIMIT,
          line -> null);
      // then it prints the figures (no limit on them: a shared machine's timings vary)
      System.out.println(run.output());
      assertThat(run.exitCode()).as(run.output()).isZero();
      assertThat(run.output()).containsPattern("console page weight: [1-9][0-9]* bytes in [1-9][0-9]* files")
          .containsPattern("first contentful paint: median [0-9]+ ms").containsPattern("device list drawn: median [0-9]+ ms");
    }
  }

  private static JsonObject device(TestServer server, String id) {
    try {
      return server.admin("GET", "/api/v1/devices/" + id, null, 200);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static List<Object> appliances(TestServer server) {
    return device(server, "gw-1").getJsonArray("appliances").getList();
  }

  private static boolean bothReported(TestAgents agents, String sessionId) {
    try {
      JsonObject reports = agents.log(sessionId).getJsonObject("reports");
      return reports.getValue("requester") != null && reports.getValue("target") != null;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
