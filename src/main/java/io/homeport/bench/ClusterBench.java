package io.homeport.bench;

import io.homeport.agent.DeviceAgent;
import io.homeport.agent.DeviceBundle;
import io.homeport.agent.KeepaliveSession;
import io.homeport.beacon.KeepaliveOutcome;
import io.homeport.cluster.HazelcastClusters;
import io.homeport.command.Command;
import io.homeport.config.ConfigLoader;
import io.homeport.config.HomeportConfig;
import io.homeport.event.CommandEvent;
import io.homeport.event.EventAddresses;
import io.homeport.event.LoggedEvent;
import io.homeport.metrics.MetricsVertx;
import io.homeport.server.HomeportServer;
import io.homeport.store.pg.PgStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One node against a two-node cluster, both on PostgreSQL, in one run (issue 13): keepalives accepted
 * per second (devices spread over the nodes' beacons) and commands per second end to end (created
 * through node 1's API service, run by reference agents whose keepalives reach either node). Every node
 * runs in this JVM with its own (clustered) Vert.x, so on one machine the figures show what clustering
 * costs, not what it gains: the nodes share the same cores.
 */
public final class ClusterBench {

  /** What to run. */
  public record Options(int devices, int rate, Duration duration, int sockets, int agents, int commands,
      String storeUrl) {}

  /** What one setup measured. */
  public record Figures(int nodes, double keepalivesPerSecond, double commandsPerSecond, double commandP50Millis,
      double commandP95Millis) {}

  private final Options options;
  private final PrintStream out;

  public ClusterBench(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  public List<Figures> run() throws Exception {
    List<Figures> all = new ArrayList<>();
    for (int nodes : new int[] {1, 2}) {
      all.add(measure(nodes));
    }
    out.printf("%n%-6s %18s %14s %14s %14s%n", "nodes", "keepalives/s", "commands/s", "command p50", "command p95");
    for (Figures f : all) {
      out.printf("%-6d %18.0f %14.1f %11.1f ms %11.1f ms%n", f.nodes(), f.keepalivesPerSecond(), f.commandsPerSecond(),
          f.commandP50Millis(), f.commandP95Millis());
    }
    Figures one = all.get(0);
    Figures two = all.get(1);
    out.printf("two nodes / one node, same cores: keepalives %.2f, commands %.2f%n",
        two.keepalivesPerSecond() / one.keepalivesPerSecond(), two.commandsPerSecond() / one.commandsPerSecond());
    return all;
  }

  private Figures measure(int nodeCount) throws Exception {
    out.printf("%n== %d node%s on PostgreSQL%n", nodeCount, nodeCount == 1 ? "" : "s (Hazelcast cluster on loopback)");
    String schema = "hp_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    Vertx admin = Vertx.vertx();
    Pool pool = PgBuilder.pool().connectingTo(PgStore.connectOptions(options.storeUrl(), System.getenv(
        ConfigLoader.STORE_PASSWORD_ENV))).using(admin).build();
    Path dataDir = Files.createTempDirectory("homeport-cluster-bench");
    List<Vertx> vertxes = new ArrayList<>();
    List<HomeportServer> nodes = new ArrayList<>();
    try {
      pool.query("CREATE SCHEMA " + schema).execute().await(30, TimeUnit.SECONDS);
      String url = options.storeUrl() + (options.storeUrl().contains("?") ? "&" : "?") + "search_path=" + schema;
      List<Integer> hazelcastPorts = new ArrayList<>();
      for (int i = 0; i < nodeCount; i++) {
        hazelcastPorts.add(FreePorts.tcp());
      }
      String members = String.join(",", hazelcastPorts.stream().map(p -> "127.0.0.1:" + p).toList());
      for (int i = 0; i < nodeCount; i++) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HOMEPORT_STORE_URL", url);
        if (nodeCount > 1) {
          env.put("HOMEPORT_CLUSTER_ENABLED", "true");
          env.put("HOMEPORT_CLUSTER_MEMBERS", members);
          env.put("HOMEPORT_CLUSTER_PORT", String.valueOf(hazelcastPorts.get(i)));
        }
        // a long interval: nonces live two intervals, so the primed ones last the whole run
        HomeportConfig config = ConfigLoader.load(null, env).withEphemeralLoopbackPorts().withDataDir(dataDir)
            .withKeepalive(Duration.ofMinutes(10), Duration.ofMinutes(30));
        VertxOptions vertxOptions = new VertxOptions().setPreferNativeTransport(true);
        Vertx vertx = nodeCount == 1 ? MetricsVertx.create(vertxOptions)
            : io.homeport.cluster.HazelcastClusters.vertx(vertxOptions, config.cluster()).await(60, TimeUnit.SECONDS);
        vertxes.add(vertx);
        nodes.add(HomeportServer.start(vertx, config).await(60, TimeUnit.SECONDS));
      }
      double keepalives = keepalives(admin, nodes);
      double[] commands = commands(admin, vertxes.get(0), nodes);
      return new Figures(nodeCount, keepalives, commands[0], commands[1], commands[2]);
    } finally {
      for (int i = nodes.size() - 1; i >= 0; i--) {
        nodes.get(i).stop().await(30, TimeUnit.SECONDS);
      }
      for (Vertx v : vertxes) {
        v.close().await(30, TimeUnit.SECONDS);
      }
      pool.query("DROP SCHEMA " + schema + " CASCADE").execute().await(30, TimeUnit.SECONDS);
      pool.close();
      admin.close().await(10, TimeUnit.SECONDS);
      TempFiles.deleteRecursively(dataDir);
    }
  }

  /** Devices spread round robin over the nodes' beacons; accepted keepalives per second, summed over the nodes. */
  private double keepalives(Vertx client, List<HomeportServer> nodes) throws Exception {
    List<KeepaliveSession> sessions = BenchDevices.enroll(nodes.get(0).devices(), options.devices(), out);
    int[] ports = new int[sessions.size()];
    for (int i = 0; i < ports.length; i++) {
      ports[i] = nodes.get(i % nodes.size()).beaconPort();
    }
    KeepaliveLoad load = new KeepaliveLoad(client, sessions, ports, options.sockets());
    // prime (the 401 path gives every device a nonce); the other nodes learn the devices from the store
    for (int attempt = 0; attempt < 30 && load.answers().get() < sessions.size(); attempt++) {
      load.sendAllAndAwait(Duration.ofSeconds(2));
    }
    load.sendAllAndAwait(Duration.ofSeconds(60));
    long before = accepted(nodes);
    long started = System.nanoTime();
    long sent = load.sendAtRate(options.rate(), options.duration());
    double seconds = (System.nanoTime() - started) / 1e9;
    Thread.sleep(1000); // answers still in flight
    long accepted = accepted(nodes) - before;
    out.printf("keepalives: offered %d in %.1fs; accepted %d: %.0f/s%n", sent, seconds, accepted, accepted / seconds);
    return accepted / seconds;
  }

  private static long accepted(List<HomeportServer> nodes) {
    return nodes.stream().mapToLong(n -> n.beaconCounters().get(KeepaliveOutcome.ACCEPTED)).sum();
  }

  /**
   * Agents spread round robin over the nodes (keepalives and device channel); commands created through
   * node 1, all at once, for the agents in turn; the time until each succeeded, from node 1's events.
   *
   * @return commands per second, p50 and p95 of the creation-to-success latency in ms
   */
  private double[] commands(Vertx agentVertx, Vertx firstVertx, List<HomeportServer> nodes) throws Exception {
    HomeportServer first = nodes.get(0);
    List<DeviceAgent> agents = new ArrayList<>();
    for (int i = 0; i < options.agents(); i++) {
      HomeportServer home = nodes.get(i % nodes.size());
      DeviceBundle bundle = BenchDevices.bundle(first, String.format("agent-%04d", i), home.beaconPort(),
          home.deviceChannelPort(), 600).await(60, TimeUnit.SECONDS);
      DeviceAgent agent = new DeviceAgent(bundle, Clock.systemUTC(), null, Duration.ZERO);
      agentVertx.deployVerticle(agent).await(30, TimeUnit.SECONDS);
      agents.add(agent);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (agents.stream().anyMatch(a -> a.mappedAddress() == null) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    // a first round, not measured, warms the code paths up (the first setup would otherwise pay for the JIT)
    commandRound(firstVertx, first, agents.size(), Math.max(1, options.commands() / 4), "warm-up");
    double[] figures = commandRound(firstVertx, first, agents.size(), options.commands(), "measured");
    for (DeviceAgent a : agents) {
      agentVertx.undeploy(a.deploymentID()).await(10, TimeUnit.SECONDS);
    }
    return figures;
  }

  /** {@code count} commands created through {@code first} at once; how fast they all succeeded. */
  private double[] commandRound(Vertx firstVertx, HomeportServer first, int agentCount, int count, String round)
      throws Exception {
    Map<String, Long> createdAt = new ConcurrentHashMap<>();
    List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
    io.vertx.core.eventbus.MessageConsumer<LoggedEvent> consumer =
        firstVertx.eventBus().<LoggedEvent>localConsumer(EventAddresses.EVENTS, m -> {
      if (m.body().event() instanceof CommandEvent c && c.state().equals("succeeded")) {
        Long at = createdAt.remove(c.commandId());
        if (at != null) {
          latencies.add(System.nanoTime() - at);
        }
      }
    });
    long started = System.nanoTime();
    for (int i = 0; i < count; i++) {
      String deviceId = String.format("agent-%04d", i % agentCount);
      long at = System.nanoTime();
      Command c = first.commands().create(deviceId, new io.homeport.command.CommandService.NewCommand("bench",
          new JsonObject().put("n", i).encode(), Duration.ofMinutes(5), null, null, false)).await(30, TimeUnit.SECONDS)
          .command();
      createdAt.put(c.id(), at);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (latencies.size() < count && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    List<Long> sorted = new ArrayList<>(latencies);
    sorted.sort(null);
    double p50 = sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2) / 1e6;
    double p95 = sorted.isEmpty() ? 0 : sorted.get((int) (sorted.size() * 0.95)) / 1e6;
    consumer.unregister();
    out.printf("commands (%s): %d of %d succeeded in %.1fs: %.1f/s, p50 %.1f ms, p95 %.1f ms%n", round, sorted.size(),
        count, seconds, sorted.size() / seconds, p50, p95);
    return new double[] {sorted.size() / seconds, p50, p95};
  }
}
