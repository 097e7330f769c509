package io.homeport.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.store.pg.PgTestSchema;
import io.homeport.testing.EventTail;
import io.homeport.testing.LabProcess;
import io.homeport.testing.NatLab;
import io.homeport.testing.ServerProcess;
import io.homeport.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code serve} processes in a cluster on PostgreSQL (DESIGN 7) behind the NAT lab's UDP load balancer
 * ({@code nat-lab.sh --nodes 2}): node i at 198.18.0.(1+i) in the server namespace, one service address
 * 198.18.0.1 the devices know, four agents each in a home of its own behind a port-restricted NAT, spread
 * over the nodes by the balancer's hash of their router's address (homes 1 and 3 reach node 1, 2 and 4 node
 * 2). The store is a fresh schema of the machine's PostgreSQL, reached from the server namespace through the
 * lab's forwarder. Logs go to {@code target/cluster-it/}.
 */
class ClusterIT {
  private static final int KEEPALIVE_SECONDS = 5;
  private static final int DEVICES = 4;
  private static final int COMMAND_MILLIS = 2500;
  private static final Pattern WAKES_SENT = Pattern.compile("(?m)^homeport_wakes_sent_total(?:\\{[^}]*})? ([0-9.eE+]+)$");
  private static final Pattern COMMAND_RUN = Pattern.compile("command (\\S+) \\(\\S+\\) done: ");

  @TempDir
  Path dir;
  private final Vertx plain = Vertx.vertx();
  private final PgTestSchema schema = new PgTestSchema();
  private final List<LabProcess> processes = new ArrayList<>();
  private final Map<String, LabProcess> agents = new LinkedHashMap<>();
  private NatLab lab;

  @BeforeEach
  void lab() throws Exception {
    NatLab.assumeAvailable();
    schema.create(plain).await(30, TimeUnit.SECONDS);
    lab = NatLab.withBalancer(NatLab.uniquePrefix(), 30, Collections.nCopies(DEVICES, "port-restricted"), 2,
        PgTestSchema.SERVER.getPort());
  }

  @AfterEach
  void teardown() throws Exception {
    try {
      for (LabProcess p : processes) {
        p.stop();
      }
      if (lab != null) {
        lab.close();
      }
      Path logs = Path.of(System.getProperty("homeport.basedir", ".")).resolve("target/cluster-it");
      Files.createDirectories(logs);
      for (LabProcess p : processes) {
        Files.writeString(logs.resolve(p.name + ".log"), p.text());
      }
    } finally {
      schema.drop(plain).await(30, TimeUnit.SECONDS);
      plain.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("Verifies that with two nodes behind the load balancer a command created through node A for a device "
      + "owned by node B succeeds woken from node B's socket, that an integrator's stream on node A carries node B's "
      + "events in id order, and that after a kill -9 of node B with commands queued and running on its devices, "
      + "they are taken over by node A within two keepalive intervals and every command succeeds exactly once")
  void clusterBehindBalancer() throws Exception {
    // given two nodes, node 2 started once node 1 is up, and an integrator's event stream on node 1
    LabProcess node1 = startNode(1);
    node1.await("node 1 up", Duration.ofSeconds(90), l -> l.contains("Homeport is up"));
    LabProcess node2 = startNode(2);
    node2.await("node 2 up", Duration.ofSeconds(90), l -> l.contains("Homeport is up"));
    String integrator = call(1, "POST", "/api/v1/tokens", "{\"role\":\"integrator\",\"subject\":\"cluster-it\"}", 201)
        .getString("token");
    LabProcess stream = EventTail.start(lab, lab.serverNamespace(), "stream-node1",
        "ws://" + lab.nodeAddress(1) + ":8080/api/v1/events", integrator);
    processes.add(stream);
    stream.await("the stream open", Duration.ofSeconds(30), l -> l.equals("OPEN"));

    // and four devices, one per home, every one reaching the service address 198.18.0.1 only
    String jar = ServerProcess.JAR.toAbsolutePath().toString();
    for (int i = 1; i <= DEVICES; i++) {
      String id = "dev-" + i;
      String token = call(1, "POST", "/api/v1/devices", "{\"id\":\"" + id + "\"}", 201).getJsonObject("enrollment")
          .getString("token");
      Path bundle = dir.resolve(id);
      lab.run(lab.homeNamespace(i), List.of("java", "-jar", jar, "device", "enroll", "--server",
          "https://" + lab.serverAddress() + ":7443", "--token", token, "--out", bundle.toString()));
      LabProcess agent = LabProcess.reading("agent-" + id, lab.start(lab.homeNamespace(i), List.of("java", "-jar", jar,
          "device", "run", "--bundle", bundle.toString(), "--poll", "0s"), Map.of()));
      processes.add(agent);
      agents.put(id, agent);
    }
    Map<String, Integer> owner = new LinkedHashMap<>();
    for (String id : agents.keySet()) {
      TestServer.await(id + " online at one node", Duration.ofSeconds(60), () -> onlineAt(1, id) != onlineAt(2, id));
      owner.put(id, onlineAt(1, id) ? 1 : 2);
    }
    System.out.printf("[cluster] owners: %s%n", owner);
    assertThat(owner).as("the balancer spreads the homes over both nodes").containsValue(1).containsValue(2);
    List<String> onNode2 = owner.keySet().stream().filter(id -> owner.get(id) == 2).toList();
    String onNode1 = owner.keySet().stream().filter(id -> owner.get(id) == 1).findFirst().orElseThrow();
    String target = onNode2.get(0);
    // and node 1's API shows node 2's device online at node 2 (the cluster's device directory)
    assertThat(call(1, "GET", "/api/v1/devices/" + target, null, 200).getJsonObject("presence").getString("node"))
        .isEqualTo(lab.nodeAddress(2) + ":5701");

    // (a) when a command for a device owned by node 2 is created through node 1's API
    long wakes1 = wakesSent(1);
    long wakes2 = wakesSent(2);
    JsonObject across = call(1, "POST", "/api/v1/devices/" + target + "/commands?wait=20s",
        "{\"action\":\"across\",\"params\":{}}", 200);

    // then it succeeds, and the wake left node 2's socket, none node 1's
    assertThat(across.getString("state")).isEqualTo("succeeded");
    assertThat(wakesSent(2)).as("wakes sent by node 2").isGreaterThan(wakes2);
    assertThat(wakesSent(1)).as("wakes sent by node 1").isEqualTo(wakes1);

    // (b) and node 1's stream carried node 2's events for that device (its keepalives reached only node 2) in
    // order, every id above the one before
    TestServer.await("node 1's stream shows the command's success", Duration.ofSeconds(10),
        () -> events(stream).stream().anyMatch(e -> e.getString("type").equals("command.succeeded")
            && across.getString("id").equals(e.getJsonObject("data").getString("commandId"))));
    List<JsonObject> seen = events(stream);
    assertThat(seen.stream().map(e -> e.getLong("id")).toList()).as("ids on node 1's stream").isSorted()
        .doesNotHaveDuplicates();
    List<String> targetTypes = seen.stream().filter(e -> target.equals(e.getString("deviceId")))
        .map(e -> e.getString("type")).toList();
    assertThat(targetTypes).as("%s's events on node 1's stream", target)
        .containsSubsequence("device.online", "command.queued", "command.woken", "command.delivered",
            "command.succeeded");

    // (c) when node 2's devices have commands running (one at a time, 2.5 s each) and queued
    List<String> commands = new ArrayList<>(List.of(across.getString("id")));
    Map<String, List<String>> beforeKill = new LinkedHashMap<>();
    for (String id : onNode2) {
      for (int n = 0; n < 3; n++) {
        beforeKill.computeIfAbsent(id, k -> new ArrayList<>()).add(call(1, "POST", "/api/v1/devices/" + id
            + "/commands", "{\"action\":\"before-kill\",\"params\":{\"n\":" + n + ",\"delayMs\":" + COMMAND_MILLIS
            + "}}", 201).getString("id"));
      }
      commands.addAll(beforeKill.get(id));
    }
    TestServer.await("a command delivered to each device of node 2", Duration.ofSeconds(15), () -> beforeKill.values()
        .stream().allMatch(ids -> ids.stream().anyMatch(c -> state(c).equals("delivered"))));
    Map<String, Long> states = commands.stream().collect(Collectors.groupingBy(this::state, Collectors.counting()));
    assertThat(states).as("states of the commands just before the kill").containsKey("delivered");

    // and node 2 is killed (SIGKILL), the balancer drops it, and more commands are created while it is gone
    node2.kill();
    long killedAt = System.nanoTime();
    lab.dropNode(2);
    for (String id : onNode2) {
      commands.add(call(1, "POST", "/api/v1/devices/" + id + "/commands",
          "{\"action\":\"after-kill\",\"params\":{}}", 201).getString("id"));
    }
    System.out.printf("[cluster] node 2 killed with its devices' commands %s%n", states);

    // then node 1 owns node 2's devices within two keepalive intervals
    for (String id : onNode2) {
      TestServer.await(id + " online at node 1", Duration.ofSeconds(4L * KEEPALIVE_SECONDS), () -> onlineAt(1, id));
    }
    double takeover = (System.nanoTime() - killedAt) / 1e9;
    System.out.printf("[cluster] node 2's devices %s online at node 1 %.2f s after the kill%n", onNode2, takeover);
    assertThat(takeover).as("seconds from the kill until node 1 owned node 2's devices")
        .isLessThanOrEqualTo(2.0 * KEEPALIVE_SECONDS);

    // and every command succeeds, its result stored
    TestServer.await("every command succeeded", Duration.ofSeconds(60),
        () -> commands.stream().allMatch(c -> state(c).equals("succeeded")));
    for (String c : commands) {
      JsonObject stored = call(1, "GET", "/api/v1/commands/" + c, null, 200);
      assertThat(stored.getJsonObject("result").getJsonObject("data").getString("action"))
          .as("the stored result of %s", c).isEqualTo(stored.getString("action"));
    }

    // and each was run exactly once: one "done" line in all the agents' logs, one command.succeeded in the log
    // (read once a later command's success has come through the stream: events arrive in id order)
    String marker = call(1, "POST", "/api/v1/devices/" + onNode1 + "/commands?wait=20s",
        "{\"action\":\"marker\",\"params\":{}}", 200).getString("id");
    TestServer.await("the marker's success on node 1's stream", Duration.ofSeconds(10), () -> events(stream).stream()
        .anyMatch(e -> e.getString("type").equals("command.succeeded")
            && marker.equals(e.getJsonObject("data").getString("commandId"))));
    Map<String, Long> succeeded = events(stream).stream().filter(e -> e.getString("type").equals("command.succeeded"))
        .collect(Collectors.groupingBy(e -> e.getJsonObject("data").getString("commandId"), Collectors.counting()));
    Map<String, Long> runs = agents.values().stream().flatMap(a -> a.lines.stream())
        .map(l -> COMMAND_RUN.matcher(l.text())).filter(Matcher::find)
        .collect(Collectors.groupingBy(m -> m.group(1), Collectors.counting()));
    for (String c : commands) {
      assertThat(succeeded.get(c)).as("command.succeeded events of %s", c).isEqualTo(1L);
      assertThat(runs.get(c)).as("runs of %s in the agents' logs", c).isEqualTo(1L);
    }
  }

  private LabProcess startNode(int i) throws Exception {
    String address = lab.nodeAddress(i);
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HOMEPORT_DATA_DIR", dir.resolve("data").toString());
    env.put("HOMEPORT_PUBLIC_HOSTS", lab.serverAddress());
    env.put("HOMEPORT_STORE_URL", schema.url());
    env.put("HOMEPORT_CLUSTER_ENABLED", "true");
    env.put("HOMEPORT_CLUSTER_MEMBERS", lab.nodeAddress(1) + ":5701," + lab.nodeAddress(2) + ":5701");
    env.put("HOMEPORT_CLUSTER_HOST", address);
    env.put("HOMEPORT_CLUSTER_PORT", "5701");
    for (String bind : List.of("HOMEPORT_API_BIND", "HOMEPORT_BEACON_BIND", "HOMEPORT_DEVICE_CHANNEL_BIND",
        "HOMEPORT_RELAY_BIND")) {
      env.put(bind, address);
    }
    env.put("HOMEPORT_BEACON_KEEPALIVE_INTERVAL", KEEPALIVE_SECONDS + "s");
    env.put("HOMEPORT_BEACON_OFFLINE_GRACE", 3 * KEEPALIVE_SECONDS + "s");
    LabProcess node = LabProcess.reading("node" + i, lab.start(lab.serverNamespace(),
        List.of("java", "-jar", ServerProcess.JAR.toAbsolutePath().toString(), "serve"), env));
    processes.add(node);
    return node;
  }

  /** An admin call to node {@code i}'s API, expecting {@code status}. */
  private JsonObject call(int node, String method, String path, String body, int status) throws Exception {
    NatLab.ApiCall r = lab.api(lab.nodeAddress(node), dir.resolve("data"), method, path, body);
    assertThat(r.status()).as("%s %s on node %d: %s", method, path, node, r.body()).isEqualTo(status);
    return new JsonObject(r.body());
  }

  /** Whether node {@code node} holds the device: its API shows it online there (any node's API shows every node's devices). */
  private boolean onlineAt(int node, String device) {
    try {
      JsonObject presence = call(node, "GET", "/api/v1/devices/" + device, null, 200).getJsonObject("presence");
      return presence != null && presence.getBoolean("online", false)
          && (lab.nodeAddress(node) + ":5701").equals(presence.getString("node"));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private String state(String command) {
    try {
      return call(1, "GET", "/api/v1/commands/" + command, null, 200).getString("state");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private long wakesSent(int node) throws Exception {
    NatLab.ApiCall r = lab.api(lab.nodeAddress(node), dir.resolve("data"), "GET", "/metrics", null);
    assertThat(r.status()).as("node %d's /metrics", node).isEqualTo(200);
    Matcher m = WAKES_SENT.matcher(r.body());
    assertThat(m.find()).as("homeport_wakes_sent_total on node %d", node).isTrue();
    return (long) Double.parseDouble(m.group(1));
  }

  private static List<JsonObject> events(LabProcess stream) {
    return stream.lines.stream().map(LabProcess.Line::text).filter(l -> l.startsWith(EventTail.EVENT_PREFIX))
        .map(l -> new JsonObject(l.substring(EventTail.EVENT_PREFIX.length()))).toList();
  }
}
