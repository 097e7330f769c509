package io.homeport.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.agent.DeviceAgent;
import io.homeport.agent.DeviceBundle;
import io.homeport.event.EventAddresses;
import io.homeport.event.LoggedEvent;
import io.homeport.event.StoredEvent;
import io.homeport.store.pg.PgTestSchema;
import io.homeport.testing.Ports;
import io.homeport.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes of a cluster in one JVM (DESIGN 7): each its own clustered Vert.x (Hazelcast on loopback,
 * TCP-IP join) and its own beacon, device channel and API, one PostgreSQL schema and one data directory.
 */
class ClusterTest {
  @TempDir
  static Path dir;
  static final Vertx plain = Vertx.vertx();
  static final PgTestSchema schema = new PgTestSchema();
  static TestServer nodeA;
  static TestServer nodeB;
  static final List<LoggedEvent> seenOnA = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    PgTestSchema.requireServer(plain);
    schema.create(plain).await(30, TimeUnit.SECONDS);
    int portA = Ports.freeTcp();
    int portB = Ports.freeTcp();
    String members = "127.0.0.1:" + portA + ",127.0.0.1:" + portB;
    nodeA = TestServer.startClustered(TestServer.config(dir.resolve("data"), Map.of("HOMEPORT_STORE_URL", schema.url(),
        "HOMEPORT_CLUSTER_ENABLED", "true", "HOMEPORT_CLUSTER_MEMBERS", members,
        "HOMEPORT_CLUSTER_PORT", String.valueOf(portA))));
    nodeB = TestServer.startClustered(TestServer.config(dir.resolve("data"), Map.of("HOMEPORT_STORE_URL", schema.url(),
        "HOMEPORT_CLUSTER_ENABLED", "true", "HOMEPORT_CLUSTER_MEMBERS", members,
        "HOMEPORT_CLUSTER_PORT", String.valueOf(portB))));
    nodeA.vertx().eventBus().<LoggedEvent>localConsumer(EventAddresses.EVENTS, m -> seenOnA.add(m.body()));
  }

  @AfterAll
  static void stop() throws Exception {
    try {
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

  /** The bundle with node B's beacon and device channel: the device's traffic reaches node B. */
  private static DeviceBundle towardB(DeviceBundle b) {
    return new DeviceBundle(b.deviceId(), "127.0.0.1", nodeB.server().beaconPort(), 0,
        "https://localhost:" + nodeB.server().deviceChannelPort(), b.keepaliveIntervalSeconds(), b.privateKeyPem(),
        b.certificateChainPem(), b.caCertificatePem(), b.beaconKey());
  }

  @Test
  @DisplayName("Verifies that a device enrolled through node A and online at node B's beacon gets a command created "
      + "through node A's API, woken from node B's socket, and that node A's bus carries node B's events in id order")
  void commandAcrossNodes() throws Exception {
    // given a device enrolled through node A whose keepalives reach node B
    DeviceBundle enrolled = nodeA.enrollDevice("cluster-1");
    Vertx agentVertx = Vertx.vertx();
    try {
      agentVertx.deployVerticle(new DeviceAgent(towardB(enrolled), Clock.systemUTC(), null, Duration.ZERO))
          .await(10, TimeUnit.SECONDS);
      nodeB.awaitOnline("cluster-1", Duration.ofSeconds(15));
      long wakesA = nodeA.server().beacon().wakesSent();
      long wakesB = nodeB.server().beacon().wakesSent();

      // when a command is created through node A's API
      JsonObject done = nodeA.admin("POST", "/api/v1/devices/cluster-1/commands?wait=15s",
          "{\"action\":\"across\",\"params\":{}}", 200);

      // then it succeeds, and the wake left node B's socket, not node A's
      assertThat(done.getString("state")).isEqualTo("succeeded");
      assertThat(nodeB.server().beacon().wakesSent()).isGreaterThan(wakesB);
      assertThat(nodeA.server().beacon().wakesSent()).isEqualTo(wakesA);
      // and node B's metrics say so, tagged with its node
      String metricsB = nodeB.api("GET", "/metrics", nodeB.adminToken(), null).body();
      assertThat(metricsB).containsPattern("homeport_wakes_sent_total\\{[^}]*node=\"127\\.0\\.0\\.1:[0-9]+\"[^}]*} [1-9]");

      // and node A's bus carried node B's device.online event and the command's events, ids increasing
      TestServer.await("node A saw the command succeed", Duration.ofSeconds(5), () -> seenOnA.stream()
          .anyMatch(e -> e.stored().type().equals("command.succeeded") && "cluster-1".equals(e.stored().deviceId())));
      assertThat(seenOnA).anyMatch(e -> e.stored().type().equals("device.online")
          && "cluster-1".equals(e.stored().deviceId()));
      List<Long> ids = seenOnA.stream().map(LoggedEvent::id).toList();
      assertThat(ids).isSorted().doesNotHaveDuplicates();
    } finally {
      agentVertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("Verifies that with two nodes sweeping, a command whose TTL passes expires once: one command.expired")
  void ttlExpiresOnce() throws Exception {
    // given an enrolled device that never comes online, and a command for it with a 1 s TTL
    nodeA.enrollDevice("cluster-offline");
    String id = nodeA.admin("POST", "/api/v1/devices/cluster-offline/commands",
        "{\"action\":\"never\",\"params\":{},\"ttl\":\"1s\"}", 201).getString("id");

    // when both nodes' sweeps run past its TTL
    TestServer.await("the command expired", Duration.ofSeconds(10), () -> {
      try {
        return "expired".equals(nodeB.admin("GET", "/api/v1/commands/" + id, null, 200).getString("state"));
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
    Thread.sleep(1500); // several more sweeps of both nodes: a second expiry would be stored by now

    // then the log holds exactly one command.expired for it
    List<StoredEvent> all = nodeA.server().events().readAfter(0, 100_000).await(10, TimeUnit.SECONDS);
    assertThat(all.stream().filter(e -> e.type().equals("command.expired") && e.data().contains(id))).hasSize(1);
  }

  @Test
  @DisplayName("Verifies that with two nodes sweeping, a command scheduled a second ahead for a device at node B fires "
      + "once: woken once, delivered once, run once")
  void scheduleFiresOnce() throws Exception {
    // given a device online at node B
    DeviceBundle enrolled = nodeA.enrollDevice("cluster-later");
    Vertx agentVertx = Vertx.vertx();
    try {
      DeviceAgent agent = new DeviceAgent(towardB(enrolled), Clock.systemUTC(), null, Duration.ZERO);
      agentVertx.deployVerticle(agent).await(10, TimeUnit.SECONDS);
      nodeB.awaitOnline("cluster-later", Duration.ofSeconds(15));
      // when a command is created through node A with notBefore one second ahead
      String notBefore = java.time.Instant.now().plusSeconds(1).toString();
      String id = nodeA.admin("POST", "/api/v1/devices/cluster-later/commands",
          "{\"action\":\"later\",\"params\":{},\"notBefore\":\"" + notBefore + "\"}", 201).getString("id");
      // then it succeeds once its time has come
      TestServer.await("the scheduled command succeeded", Duration.ofSeconds(15), () -> {
        try {
          return "succeeded".equals(nodeA.admin("GET", "/api/v1/commands/" + id, null, 200).getString("state"));
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      });
      Thread.sleep(1500); // more sweeps of both nodes: a second firing would be stored by now
      // and the log holds one woken, one delivered and one succeeded event for it, and the agent ran it once
      List<StoredEvent> all = nodeA.server().events().readAfter(0, 100_000).await(10, TimeUnit.SECONDS);
      for (String type : List.of("command.woken", "command.delivered", "command.succeeded")) {
        assertThat(all.stream().filter(e -> e.type().equals(type) && e.data().contains(id))).as(type).hasSize(1);
      }
      assertThat(agent.commandsHandled()).isEqualTo(1);
    } finally {
      agentVertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
