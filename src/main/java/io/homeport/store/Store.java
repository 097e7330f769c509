package io.homeport.store;

import io.homeport.addresslist.AddressListRepository;
import io.homeport.auth.TokenRepository;
import io.homeport.command.CommandRepository;
import io.homeport.device.DeviceRepository;
import io.homeport.event.EventRepository;
import io.homeport.rendezvous.PermissionRepository;
import io.homeport.rendezvous.SessionRepository;

import io.vertx.core.Future;
import java.util.OptionalLong;

/** The durable store: one object per backend giving access to every repository. */
public interface Store {

  DeviceRepository devices();

  CommandRepository commands();

  TokenRepository tokens();

  /** Who may open a session to which device. */
  PermissionRepository permissions();

  /** The session log. */
  SessionRepository sessions();

  /** Address lists and their history. */
  AddressListRepository addressLists();

  /** The durable event log. */
  EventRepository events();

  /**
   * Write transactions committed since the store was opened (explicit ones and single writing
   * statements alike), for benches and metrics; empty where the store does not count them.
   */
  default OptionalLong writeTransactions() {
    return OptionalLong.empty();
  }

  /** Closes the connection pool. */
  Future<Void> close();
}
