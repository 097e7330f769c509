package io.homeport.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.agent.AgentState;
import io.homeport.agent.DeviceAgent;
import io.homeport.agent.DeviceBundle;
import io.homeport.agent.Enroller;
import io.homeport.testing.ServerProcess;
import io.homeport.testing.TestServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged server killed with SIGKILL while commands are queued, woken and running. */
class ServerCrashIT {

  @Test
  @DisplayName("Verifies that after a SIGKILL with commands queued, woken and in progress, a restarted server completes "
      + "every command exactly once and loses no result")
  void sigkill(@TempDir Path dir) throws Exception {
    Map<String, String> settings = Map.of("HOMEPORT_BEACON_KEEPALIVE_INTERVAL", "2s", "HOMEPORT_BEACON_OFFLINE_GRACE", "6s");
    Vertx vertx = Vertx.vertx();
    try (ServerProcess server = new ServerProcess(dir.resolve("data"), settings).start()) {
      // given an enrolled device whose agent takes 300 ms per command and counts every run
      String token = new JsonObject(server.api("POST", "/api/v1/devices", "{\"id\":\"crash-1\"}").body())
          .getJsonObject("enrollment").getString("token");
      DeviceBundle bundle = Enroller.enroll(server.deviceChannel(), token);
      Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
      DeviceAgent agent = new DeviceAgent(bundle, Clock.systemUTC(), command -> {
        runs.computeIfAbsent(command.getString("id"), k -> new AtomicInteger()).incrementAndGet();
        return Future.future(p -> vertx.setTimer(300, t -> p.complete(
            new CommandResult(CommandResult.Status.OK, null, "{\"ran\":\"" + command.getString("id") + "\"}"))));
      }, Duration.ZERO);
      vertx.deployVerticle(agent).await(10, TimeUnit.SECONDS);
      TestServer.await("the agent is online", Duration.ofSeconds(10), () -> agent.state() == AgentState.ONLINE);

      // when 12 commands are sent and the server is killed while the first are running
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        ids.add(new JsonObject(server.api("POST", "/api/v1/devices/crash-1/commands", "{\"action\":\"n" + i + "\"}")
            .body()).getString("id"));
      }
      Thread.sleep(400);
      server.kill();
      System.out.printf("killed with %d command(s) run so far%n", runs.size());
      assertThat(runs.size()).as("some commands were still waiting when the server died").isLessThan(12);

      // and started again on the same data directory and ports
      Thread.sleep(1000);
      server.start();

      // then every command ends succeeded, was run exactly once, and its result is stored
      TestServer.await("all commands succeeded", Duration.ofSeconds(40), () -> ids.stream().allMatch(id -> {
        try {
          return new JsonObject(server.api("GET", "/api/v1/commands/" + id, null).body()).getString("state")
              .equals("succeeded");
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      }));
      for (String id : ids) {
        JsonObject c = new JsonObject(server.api("GET", "/api/v1/commands/" + id, null).body());
        assertThat(runs.get(id)).as("runs of " + id).hasValue(1);
        assertThat(c.getJsonObject("result").getJsonObject("data").getString("ran")).isEqualTo(id);
      }
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
