package io.homeport.store;

import io.vertx.core.Future;

/** The durable store: one object per backend giving access to every repository. */
public interface Store {

  DeviceRepository devices();

  CommandRepository commands();

  TokenRepository tokens();

  /** Closes the connection pool. */
  Future<Void> close();
}
