package io.homeport.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.UUID;
import java.util.WeakHashMap;

/**
 * Builds the server's {@link Vertx} with Vert.x's Micrometer metrics reporting into a Prometheus
 * registry of its own, and finds that registry again for {@link HomeportMetrics}.
 *
 * <p>The {@link MetricsDomain#DATAGRAM_SOCKET} domain is disabled: Vert.x would otherwise update
 * meters for every datagram the beacon receives and sends (its hot path). Every other Vert.x domain
 * (HTTP server and client, event bus, pools, verticles) stays on.
 */
public final class MetricsVertx {
  /**
   * Weak both ways: while an instance is open, Vert.x itself holds its registry; once it is closed,
   * neither is kept alive from here.
   */
  private static final Map<Vertx, WeakReference<PrometheusMeterRegistry>> REGISTRIES = new WeakHashMap<>();

  private MetricsVertx() {}

  /** A Vert.x instance with metrics enabled; {@code options} is used as given, with its metrics options replaced. */
  public static Vertx create(VertxOptions options) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    return remember(builder(options, registry).build(), registry);
  }

  /**
   * A clustered Vert.x instance (cluster mode) with metrics enabled, every meter tagged with the node's
   * name, so that the nodes' scrapes can be told apart and summed.
   */
  public static io.vertx.core.Future<Vertx> createClustered(VertxOptions options,
      io.vertx.core.spi.cluster.ClusterManager clusterManager, String nodeName) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("node", nodeName);
    return builder(options, registry).withClusterManager(clusterManager).buildClustered()
        .map(vertx -> remember(vertx, registry));
  }

  private static io.vertx.core.VertxBuilder builder(VertxOptions options, PrometheusMeterRegistry registry) {
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
        .setEnabled(true)
        // Vert.x keeps backends in a static map by this name: one per instance, so that servers in one JVM (tests) stay apart
        .setRegistryName("homeport-" + UUID.randomUUID())
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
        .addDisabledMetricsCategory(MetricsDomain.DATAGRAM_SOCKET);
    return Vertx.builder()
        .with(new VertxOptions(options).setMetricsOptions(metrics))
        .withMetrics(new MicrometerMetricsFactory(registry));
  }

  private static Vertx remember(Vertx vertx, PrometheusMeterRegistry registry) {
    synchronized (REGISTRIES) {
      REGISTRIES.put(vertx, new WeakReference<>(registry));
    }
    return vertx;
  }

  /**
   * The registry of a Vert.x instance made by {@link #create}; for any other instance a new registry,
   * which then carries Homeport's meters only (the caller keeps it).
   */
  public static PrometheusMeterRegistry registry(Vertx vertx) {
    synchronized (REGISTRIES) {
      WeakReference<PrometheusMeterRegistry> ref = REGISTRIES.get(vertx);
      PrometheusMeterRegistry registry = ref == null ? null : ref.get();
      if (registry == null) {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        REGISTRIES.put(vertx, new WeakReference<>(registry));
      }
      return registry;
    }
  }
}
