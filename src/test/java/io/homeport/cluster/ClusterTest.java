package io.homeport.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.agent.DeviceAgent;
import io.homeport.agent.AddressBook;
import io.homeport.agent.ConsentPolicy;
import io.homeport.agent.DeviceBundle;
import io.homeport.agent.PeerSession;
import io.homeport.agent.SessionHandler;
import io.homeport.event.EventAddresses;
import io.homeport.event.LoggedEvent;
import io.homeport.event.StoredEvent;
import io.homeport.store.pg.PgTestSchema;
import io.homeport.stun.StunAttributes;
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
    // node B's event bus on a fixed port (cluster.busPort), node A's on any free one: the cross-node tests use both
    List<TestServer> nodes = TestCluster.start(dir.resolve("data"), schema.url(),
        Map.of("HOMEPORT_CLUSTER_BUS_PORT", String.valueOf(Ports.freeTcp())));
    nodeA = nodes.get(0);
    nodeB = nodes.get(1);
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
    return TestCluster.toward(nodeB, b);
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
    TestServer.await("the command expired", Duration.ofSeconds(10),
        () -> "expired".equals(get(nodeB, "/api/v1/commands/" + id).getString("state")));
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
      TestServer.await("the scheduled command succeeded", Duration.ofSeconds(15),
          () -> "succeeded".equals(get(nodeA, "/api/v1/commands/" + id).getString("state")));
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

  /** Starts the reference agent of {@code bundle} (its traffic to the node the bundle names) and waits until it is online there. */
  private static DeviceAgent run(Vertx agents, DeviceBundle bundle, TestServer at, ConsentPolicy consent) throws Exception {
    DeviceAgent agent = new DeviceAgent(bundle, Clock.systemUTC(), null, Duration.ZERO)
        .withSessions(SessionHandler.NO_DATA_PATH, consent)
        .withAddressBook(AddressBook.load(dir.resolve("books").resolve(bundle.deviceId())));
    agents.deployVerticle(agent).await(10, TimeUnit.SECONDS);
    at.awaitOnline(bundle.deviceId(), Duration.ofSeconds(15));
    return agent;
  }

  /** The API's answer to an admin GET on {@code node}; fails the test unless it is a 200. */
  private static JsonObject get(TestServer node, String path) {
    try {
      return node.admin("GET", path, null, 200);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static String nodeName(TestServer node) {
    return HazelcastClusters.nodeName(node.server().config().cluster());
  }

  private static boolean eventOnA(String type, String deviceId) {
    return seenOnA.stream().anyMatch(e -> e.stored().type().equals(type) && deviceId.equals(e.stored().deviceId()));
  }

  @Test
  @DisplayName("Verifies that node A's API shows a device held by node B as online at node B with its public address, "
      + "and its NAT report, that groups set through node A are node B's groups of the device too, and that a device "
      + "whose keepalives reach node A now is let go by node B without an offline event, and without a second online")
  void presenceAndGroupsAcrossNodes() throws Exception {
    // given a device online at node B only
    DeviceBundle enrolled = nodeA.enrollDevice("cluster-seen");
    Vertx agents = Vertx.vertx();
    try {
      run(agents, towardB(enrolled), nodeB, ConsentPolicy.REJECT_ALL);
      assertThat(nodeA.server().presence().get("cluster-seen")).isEmpty();

      // when node A's API is asked for it
      // then it is online, held by node B, at the address node B's beacon saw
      TestServer.await("node A shows the device online at node B", Duration.ofSeconds(5), () -> {
        JsonObject p = get(nodeA, "/api/v1/devices/cluster-seen").getJsonObject("presence");
        return p.getBoolean("online") && nodeName(nodeB).equals(p.getString("node"));
      });
      JsonObject p = nodeA.admin("GET", "/api/v1/devices/cluster-seen", null, 200).getJsonObject("presence");
      assertThat(p.getString("publicAddress")).isEqualTo(nodeB.server().presence().get("cluster-seen").orElseThrow()
          .publicAddressText());

      // and what it reports of its NAT to node B reaches node A's API with node B's next directory refresh
      nodeB.server().natBehaviours().report("cluster-seen", new StunAttributes.NatBehaviour(
          StunAttributes.Mapping.ENDPOINT_INDEPENDENT, 13, 15, 22).packed());
      TestServer.await("node A shows node B's NAT report", Duration.ofSeconds(5), () -> {
        JsonObject nat = get(nodeA, "/api/v1/devices/cluster-seen").getJsonObject("presence").getJsonObject("nat");
        return nat != null && nat.getInteger("keepaliveInterval") == 13
            && "endpoint-independent".equals(nat.getString("mapping"));
      });

      // and when its groups are set through node A, node B's API shows them
      nodeA.admin("PUT", "/api/v1/devices/cluster-seen/groups", "{\"groups\":[\"kitchen\"]}", 200);
      TestServer.await("node B knows the new group", Duration.ofSeconds(5),
          () -> get(nodeB, "/api/v1/devices/cluster-seen").getJsonArray("groups").contains("kitchen"));

      // and when its agent stops and a keepalive of it reaches node A instead (a balancer moved it)
      agents.close().await(10, TimeUnit.SECONDS);
      nodeA.server().presence().accept("cluster-seen", new java.net.InetSocketAddress("127.0.0.1", 40_000), 1,
          System.currentTimeMillis(), 30);

      // then node B takes it offline at once, without a device.offline event, and both APIs show it at node A
      TestServer.await("node B let the device go", Duration.ofSeconds(5),
          () -> !nodeB.server().presence().get("cluster-seen").orElseThrow().online());
      TestServer.await("node B's API shows the device at node A", Duration.ofSeconds(5), () -> nodeName(nodeA)
          .equals(get(nodeB, "/api/v1/devices/cluster-seen").getJsonObject("presence").getString("node")));
      assertThat(seenOnA).noneMatch(e -> e.stored().type().equals("device.offline")
          && "cluster-seen".equals(e.stored().deviceId()));
      // and node A did not report it online again: it moved, it did not come online
      Thread.sleep(500); // the event log tails the store every 100 ms: a second device.online would be here by now
      assertThat(seenOnA).filteredOn(e -> e.stored().type().equals("device.online")
          && "cluster-seen".equals(e.stored().deviceId())).hasSize(1);
    } finally {
      agents.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("Verifies that an application wake asked for through node A for a device held by node B leaves node B's "
      + "socket, the device's report becomes an event, and node A reports no wake-expired once its time is up")
  void applicationWakeAcrossNodes() throws Exception {
    // given a device online at node B
    DeviceBundle enrolled = nodeA.enrollDevice("cluster-app");
    Vertx agents = Vertx.vertx();
    try {
      run(agents, towardB(enrolled), nodeB, ConsentPolicy.REJECT_ALL);
      long wakesA = nodeA.server().beacon().wakesSent();
      long wakesB = nodeB.server().beacon().wakesSent();

      // when node A's API asks it to call an application server, for 2 s
      JsonObject asked = nodeA.admin("POST", "/api/v1/devices/cluster-app/wake",
          "{\"applicationServer\":\"billing\",\"ttl\":\"2s\"}", 202);

      // then node B woke it and its answer (the server is on no list it holds) is an event on node A's bus
      assertThat(asked.getBoolean("online")).isTrue();
      TestServer.await("the device reported its call", Duration.ofSeconds(10),
          () -> eventOnA("device.application-failed", "cluster-app"));
      assertThat(nodeB.server().beacon().wakesSent()).isGreaterThan(wakesB);
      assertThat(nodeA.server().beacon().wakesSent()).isEqualTo(wakesA);
      assertThat(seenOnA).filteredOn(e -> e.stored().type().equals("device.application-failed")
          && "cluster-app".equals(e.stored().deviceId())).allMatch(e -> e.stored().data().contains("not-listed"));

      // and once the 2 s are over, nothing says the wake went unacknowledged
      Thread.sleep(3000); // past the wake's expiry on both nodes
      assertThat(seenOnA).noneMatch(e -> "cluster-app".equals(e.stored().deviceId())
          && e.stored().data().contains("wake-expired"));
    } finally {
      agents.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("Verifies that devices held by different nodes get a session: asked through either node, consented "
      + "through node B, one id and key on both sides, candidates from the holding node's beacon, and an operator's "
      + "end through node B reaching both")
  void sessionAcrossNodes() throws Exception {
    // given alpha held by node A (which brokers sessions: it started first), bravo held by node B, bravo in device mode
    DeviceBundle alphaBundle = nodeA.enrollDevice("cluster-alpha");
    DeviceBundle bravoBundle = nodeA.enrollDevice("cluster-bravo");
    nodeA.admin("PUT", "/api/v1/devices/cluster-bravo/name", "{\"name\":\"bravo\"}", 200);
    nodeA.admin("PUT", "/api/v1/devices/cluster-bravo/permissions", "{\"mode\":\"device\",\"allow\":[]}", 200);
    nodeA.admin("PUT", "/api/v1/devices/cluster-alpha/permissions",
        "{\"mode\":\"server\",\"allow\":[\"cluster-bravo\"]}", 200);
    List<String> asked = new CopyOnWriteArrayList<>();
    Vertx agents = Vertx.vertx();
    try {
      DeviceAgent alpha = run(agents, alphaBundle, nodeA, ConsentPolicy.REJECT_ALL);
      DeviceAgent bravo = run(agents, towardB(bravoBundle), nodeB, (id, name) -> {
        asked.add(id);
        return io.vertx.core.Future.succeededFuture(true);
      });
      assertThat(nodeA.server().sessions().active()).isZero();

      // when alpha asks for bravo by name through node A
      PeerSession mine = alpha.requestSession("bravo", 0, 10).await(20, TimeUnit.SECONDS).offer();

      // then bravo was asked through node B, and both hold one session with bravo's address from node B's beacon
      assertThat(mine).as("alpha's offer").isNotNull();
      assertThat(asked).containsExactly("cluster-alpha");
      TestServer.await("bravo holds the session", Duration.ofSeconds(10), () -> bravo.session(mine.id()).isPresent());
      PeerSession theirs = bravo.session(mine.id()).orElseThrow();
      assertThat(theirs.key()).isEqualTo(mine.key());
      assertThat(theirs.expiresAt()).isEqualTo(mine.expiresAt());
      assertThat(mine.candidates().get(0).address())
          .isEqualTo(nodeB.server().presence().get("cluster-bravo").orElseThrow().publicAddress());

      // and when bravo asks for alpha through node B (alpha's list admits it), the broker on node A answers
      PeerSession back = bravo.requestSession("cluster-alpha", 0, 0).await(20, TimeUnit.SECONDS).offer();
      assertThat(back).as("bravo's offer").isNotNull();
      TestServer.await("alpha holds the second session", Duration.ofSeconds(10), () -> alpha.session(back.id()).isPresent());

      // and an operator's end through node B reaches both agents
      nodeB.admin("DELETE", "/api/v1/sessions/" + mine.id(), null, 200);
      TestServer.await("both dropped the ended session", Duration.ofSeconds(10),
          () -> alpha.session(mine.id()).isEmpty() && bravo.session(mine.id()).isEmpty());
      JsonObject log = nodeB.admin("GET", "/api/v1/sessions/" + mine.id(), null, 200);
      assertThat(log.getString("endedBy")).isEqualTo("operator");
    } finally {
      agents.close().await(10, TimeUnit.SECONDS);
    }
  }
}
