package io.homeport.agent;

import static io.homeport.testing.TestServer.GRACE;
import static io.homeport.testing.TestServer.INTERVAL;
import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.beacon.KeepaliveOutcome;
import io.homeport.testing.TestServer;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reference agent against a real server: online, offline, server restart. */
class DeviceAgentEndToEndTest {
  /** Slack for scheduling on a loaded 2-core machine, on top of the protocol's own bound. */
  private static final Duration SLACK = Duration.ofMillis(1500);

  @Test
  @DisplayName("Verifies that an enrolled agent comes online within one interval, goes offline after the grace when stopped, "
      + "and comes back within one interval of a server restart without re-enrolling")
  void onlineOfflineRestart(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.start(dir.resolve("data"))) {
      // given a device enrolled through the API and the agent's enrollment, with its bundle on disk
      DeviceBundle enrolled = server.enrollDevice("fridge-1");
      enrolled.save(dir.resolve("bundle"));
      DeviceBundle bundle = DeviceBundle.load(dir.resolve("bundle"));
      assertThat(Files.getPosixFilePermissions(dir.resolve("bundle").resolve(DeviceBundle.KEY_FILE)))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
      assertThat(Files.getPosixFilePermissions(dir.resolve("bundle").resolve(DeviceBundle.BEACON_KEY_FILE)))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
      assertThat(server.presence("fridge-1").getBoolean("online")).isFalse();

      // when the agent starts
      Vertx agentVertx = Vertx.vertx();
      try {
        DeviceAgent agent = new DeviceAgent(bundle, Clock.systemUTC(), null, java.time.Duration.ZERO);
        long started = System.nanoTime();
        agentVertx.deployVerticle(agent).await(10, TimeUnit.SECONDS);
        // then the device is online within one keepalive interval, at its loopback mapping
        TestServer.await("fridge-1 is online", INTERVAL.plus(SLACK), () -> online(server, "fridge-1"));
        System.out.printf("online after %d ms%n", (System.nanoTime() - started) / 1_000_000);
        TestServer.await("the agent has the answer", Duration.ofSeconds(1), () -> agent.state() == AgentState.ONLINE);
        assertThat(server.presence("fridge-1").getString("publicAddress")).startsWith("127.0.0.1:");
        assertThat(server.presence("fridge-1").getInteger("keepaliveInterval")).isEqualTo(1);

        // and it stays online over several intervals
        Thread.sleep(GRACE.toMillis() + 500);
        assertThat(online(server, "fridge-1")).isTrue();

        // when the server restarts (new process secret: every nonce the agent holds is void)
        server.restart();
        long restarted = System.nanoTime();
        // then the agent is back within one interval, without re-enrolling
        TestServer.await("fridge-1 is online after the restart", INTERVAL.plus(SLACK), () -> online(server, "fridge-1"));
        System.out.printf("back online %d ms after the restart%n", (System.nanoTime() - restarted) / 1_000_000);
        assertThat(server.server().beaconCounters().get(KeepaliveOutcome.STALE_NONCE)).isGreaterThanOrEqualTo(1);

        // when the agent stops
        agentVertx.undeploy(agentVertx.deploymentIDs().iterator().next()).await(10, TimeUnit.SECONDS);
        long stopped = System.nanoTime();
        // then the device goes offline after the grace, not before
        Thread.sleep(GRACE.toMillis() - INTERVAL.toMillis() - 200);
        assertThat(online(server, "fridge-1")).as("still online before the grace has passed").isTrue();
        TestServer.await("fridge-1 is offline", GRACE.plus(SLACK), () -> !online(server, "fridge-1"));
        System.out.printf("offline %d ms after the agent stopped%n", (System.nanoTime() - stopped) / 1_000_000);
      } finally {
        agentVertx.close().await(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  @DisplayName("Verifies that an agent asks the beacon's alternate port where it is seen from, learns that nothing "
      + "translates its address (loopback), reports it in its keepalives, and the API shows it with its presence")
  void natMappingShownInTheApi(@TempDir Path dir) throws Exception {
    try (TestServer server = TestServer.start(dir.resolve("data"))) {
      // given a device whose enrollment named the beacon's alternate port
      DeviceBundle bundle = server.enrollDevice("nat-probe-1");
      assertThat(bundle.beaconAltPort()).isEqualTo(server.server().beaconAltPort()).isPositive();
      Vertx agentVertx = Vertx.vertx();
      try {
        // when its agent runs
        DeviceAgent agent = new DeviceAgent(bundle, Clock.systemUTC(), null, Duration.ZERO);
        agentVertx.deployVerticle(agent).await(10, TimeUnit.SECONDS);
        // then the API shows an endpoint-independent mapping, the interval in use and no lifetime (no NAT to outlive)
        TestServer.await("the NAT behaviour is shown", Duration.ofSeconds(10),
            () -> presence(server, "nat-probe-1").containsKey("nat"));
        io.vertx.core.json.JsonObject nat = server.presence("nat-probe-1").getJsonObject("nat");
        assertThat(nat.getString("mapping")).isEqualTo("endpoint-independent");
        assertThat(nat.getInteger("keepaliveInterval")).isEqualTo(agent.keepaliveIntervalSeconds());
        assertThat(nat.getJsonObject("mappingLifetime").getInteger("atLeast")).isNull();
        assertThat(nat.getJsonObject("mappingLifetime").getInteger("below")).isNull();
        assertThat(agent.natBehaviour().mapping()).isEqualTo(io.homeport.stun.StunAttributes.Mapping.ENDPOINT_INDEPENDENT);
        assertThat(server.server().beaconCounters().get(KeepaliveOutcome.MAPPING_PROBE)).isGreaterThanOrEqualTo(1);
      } finally {
        agentVertx.close().await(10, TimeUnit.SECONDS);
      }
    }
  }

  private static boolean online(TestServer server, String id) {
    return presence(server, id).getBoolean("online");
  }

  private static io.vertx.core.json.JsonObject presence(TestServer server, String id) {
    try {
      return server.presence(id);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
