package io.homeport.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.homeport.config.HomeportConfig;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * The Hazelcast cluster manager of cluster mode (DESIGN 7): Vert.x's default Hazelcast configuration
 * (its event-bus maps) with the network fixed by the settings: this node's address and port, TCP-IP join
 * with the members listed, no multicast (it would find strangers on a shared network, and containers
 * rarely carry it).
 */
public final class HazelcastClusters {
  /** The Hazelcast cluster name: nodes of other products on the same members list never join. */
  public static final String CLUSTER_NAME = "homeport";

  private HazelcastClusters() {}

  public static HazelcastClusterManager manager(HomeportConfig.Cluster settings) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(CLUSTER_NAME);
    // Homeport logs through SLF4J like the rest of the server
    config.setProperty("hazelcast.logging.type", "slf4j");
    // a killed node is noticed within seconds, not the default minute: its devices are taken over sooner
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "5");
    // listen on cluster.host only, as the setting says: Hazelcast's default binds every address, which takes the
    // port from other nodes on the same machine with addresses of their own and exposes the member elsewhere
    config.setProperty("hazelcast.socket.bind.any", "false");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(settings.port()).setPortAutoIncrement(false);
    network.setPublicAddress(settings.host() + ":" + settings.port());
    network.getInterfaces().setEnabled(true).addInterface(settings.host());
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(settings.members());
    // how the other nodes name this one (the directory, the session broker's address), whatever its address resolves to
    config.getMemberAttributeConfig().setAttribute(ClusterMembers.NODE_ATTRIBUTE, nodeName(settings));
    return new HazelcastClusterManager(config);
  }

  /**
   * A clustered Vert.x for this node: Hazelcast as above, metrics tagged with the node's name, and the
   * event bus (session operations, wake marks between nodes) listening on {@code cluster.host} at
   * {@code cluster.busPort} (0: a port of its choosing), which it announces to the other nodes through Hazelcast.
   */
  public static io.vertx.core.Future<io.vertx.core.Vertx> vertx(io.vertx.core.VertxOptions options,
      HomeportConfig.Cluster settings) {
    io.vertx.core.VertxOptions clustered = new io.vertx.core.VertxOptions(options);
    clustered.getEventBusOptions().setHost(settings.host()).setClusterPublicHost(settings.host())
        .setPort(settings.busPort());
    HazelcastClusterManager manager = manager(settings);
    return io.homeport.metrics.MetricsVertx.createClustered(clustered, manager, nodeName(settings)).map(vertx -> {
      synchronized (MANAGERS) {
        MANAGERS.put(vertx, manager);
      }
      return vertx;
    });
  }

  /** The Hazelcast member of a Vert.x made by {@link #vertx}. */
  public static com.hazelcast.core.HazelcastInstance hazelcast(io.vertx.core.Vertx vertx) {
    HazelcastClusterManager manager;
    synchronized (MANAGERS) {
      manager = MANAGERS.get(vertx);
    }
    if (manager == null) {
      throw new IllegalStateException("cluster.enabled needs a Vert.x clustered by HazelcastClusters.vertx");
    }
    return manager.getHazelcastInstance();
  }

  // weak keys: a closed Vert.x is not kept alive by this map (tests make several in one JVM)
  private static final java.util.Map<io.vertx.core.Vertx, HazelcastClusterManager> MANAGERS = new java.util.WeakHashMap<>();

  /** How this node is named in logs and metrics: its Hazelcast address. */
  public static String nodeName(HomeportConfig.Cluster settings) {
    return settings.host() + ":" + settings.port();
  }
}
