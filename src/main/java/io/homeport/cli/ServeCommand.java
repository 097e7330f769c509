package io.homeport.cli;

import io.homeport.cluster.HazelcastClusters;
import io.homeport.config.ConfigException;
import io.homeport.config.HomeportConfig;
import io.homeport.metrics.MetricsVertx;
import io.homeport.server.HomeportServer;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the Homeport server.")
final class ServeCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

  @Mixin
  ConfigOption config;

  @Override
  public Integer call() throws Exception {
    HomeportConfig cfg;
    try {
      cfg = config.load();
    } catch (ConfigException e) {
      System.err.println("homeport: configuration error: " + e.getMessage());
      return 2;
    }
    VertxOptions options = new VertxOptions().setPreferNativeTransport(true);
    Vertx vertx;
    if (cfg.cluster().enabled()) {
      try {
        vertx = io.homeport.cluster.HazelcastClusters.vertx(options, cfg.cluster()).await(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.error("could not join the cluster {} as {}: {}", cfg.cluster().members(),
            HazelcastClusters.nodeName(cfg.cluster()), e.getMessage(), e);
        return 1;
      }
      LOG.info("cluster mode: node {} joined {}", HazelcastClusters.nodeName(cfg.cluster()), cfg.cluster().members());
    } else {
      vertx = MetricsVertx.create(options);
    }
    HomeportServer server;
    try {
      server = HomeportServer.start(vertx, cfg).await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.error("Homeport failed to start: {}", e.getMessage(), e);
      vertx.close().await(10, TimeUnit.SECONDS);
      return 1;
    }
    server.newAdminToken().ifPresent(token -> System.out.printf(
        "%nFirst start: the admin token (shown once; `homeport admin token` prints it again):%n%n  %s%n%n", token));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("shutting down");
      try {
        server.stop().compose(v -> vertx.close()).await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("shutdown incomplete: {}", e.getMessage());
      }
    }, "homeport-shutdown"));
    Thread.currentThread().join();
    return 0;
  }
}
