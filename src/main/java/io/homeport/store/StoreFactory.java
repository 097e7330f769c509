package io.homeport.store;

import io.homeport.config.HomeportConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Opens the durable store a server runs on. The server calls it once at start, after the data
 * directory exists, and closes the store last when it stops. The builder's default opens the embedded
 * SQLite file in the data directory.
 */
@FunctionalInterface
public interface StoreFactory {
  Future<Store> open(Vertx vertx, HomeportConfig config);
}
