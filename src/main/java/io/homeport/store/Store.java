package io.homeport.store;

import io.homeport.auth.TokenRepository;
import io.homeport.command.CommandRepository;
import io.homeport.device.DeviceRepository;
import io.homeport.event.EventRepository;

import io.vertx.core.Future;

/** The durable store: one object per backend giving access to every repository. */
public interface Store {

  DeviceRepository devices();

  CommandRepository commands();

  TokenRepository tokens();

  /** The durable event log. */
  EventRepository events();

  /** Closes the connection pool. */
  Future<Void> close();
}
