package io.homeport.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.agent.ConsentPolicy;
import io.homeport.agent.DeviceAgent;
import io.homeport.agent.DeviceBundle;
import io.homeport.agent.PeerSession;
import io.homeport.agent.SessionHandler;
import io.homeport.store.pg.PgTestSchema;
import io.homeport.testing.TestServer;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node brokering sessions leaves the cluster (DESIGN 7): the next oldest node takes over from the
 * session log. Two nodes in one JVM, one PostgreSQL schema; the devices are held by the node that stays.
 */
class ClusterBrokerFailoverTest {
  @TempDir
  Path dir;
  private final Vertx plain = Vertx.vertx();
  private final PgTestSchema schema = new PgTestSchema();
  private TestServer nodeA;
  private TestServer nodeB;
  private final Vertx agents = Vertx.vertx();

  @AfterEach
  void stop() throws Exception {
    try {
      agents.close().await(10, TimeUnit.SECONDS);
      if (nodeB != null) {
        nodeB.close();
      }
      if (nodeA != null) {
        nodeA.close();
      }
    } finally {
      schema.drop(plain).await(30, TimeUnit.SECONDS);
      plain.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("Verifies that when the node brokering sessions leaves, the other node picks up the established session "
      + "from the log, an operator's end through it reaches both devices, and new sessions are brokered there")
  void brokerLeaves() throws Exception {
    // given node A (the oldest: it brokers sessions) and node B, which holds alpha and bravo
    PgTestSchema.requireServer(plain);
    schema.create(plain).await(30, TimeUnit.SECONDS);
    java.util.List<TestServer> nodes = TestCluster.start(dir.resolve("data"), schema.url(), Map.of());
    nodeA = nodes.get(0);
    nodeB = nodes.get(1);
    DeviceAgent alpha = atB(nodeB.enrollDevice("fo-alpha"));
    DeviceAgent bravo = atB(nodeB.enrollDevice("fo-bravo"));
    nodeB.admin("PUT", "/api/v1/devices/fo-bravo/permissions", "{\"mode\":\"server\",\"allow\":[\"fo-alpha\"]}", 200);
    PeerSession first = alpha.requestSession("fo-bravo", 0, 0).await(20, TimeUnit.SECONDS).offer();
    assertThat(first).as("the first offer").isNotNull();
    TestServer.await("bravo holds the first session", Duration.ofSeconds(10), () -> bravo.session(first.id()).isPresent());
    assertThat(nodeA.server().sessions().active()).isEqualTo(1);
    assertThat(nodeB.server().sessions().active()).isZero();

    // when node A leaves the cluster
    nodeA.close();
    nodeA = null;

    // then node B brokers now, with the established session picked up from the log
    TestServer.await("node B picked up the session", Duration.ofSeconds(20),
        () -> nodeB.server().sessions().active() == 1);

    // and an operator's end through node B reaches both devices
    nodeB.admin("DELETE", "/api/v1/sessions/" + first.id(), null, 200);
    TestServer.await("both dropped the first session", Duration.ofSeconds(10),
        () -> alpha.session(first.id()).isEmpty() && bravo.session(first.id()).isEmpty());

    // and a new session is brokered by node B
    PeerSession second = alpha.requestSession("fo-bravo", 0, 0).await(20, TimeUnit.SECONDS).offer();
    assertThat(second).as("the second offer").isNotNull();
    TestServer.await("bravo holds the second session", Duration.ofSeconds(10),
        () -> bravo.session(second.id()).isPresent());
    assertThat(second.key()).isEqualTo(bravo.session(second.id()).orElseThrow().key());
  }

  /** Runs the device's agent against node B's beacon and device channel and waits until node B holds it. */
  private DeviceAgent atB(DeviceBundle b) throws Exception {
    DeviceAgent agent = new DeviceAgent(TestCluster.toward(nodeB, b), Clock.systemUTC(), null, Duration.ZERO)
        .withSessions(SessionHandler.NO_DATA_PATH, ConsentPolicy.REJECT_ALL);
    agents.deployVerticle(agent).await(10, TimeUnit.SECONDS);
    nodeB.awaitOnline(b.deviceId(), Duration.ofSeconds(15));
    return agent;
  }
}
