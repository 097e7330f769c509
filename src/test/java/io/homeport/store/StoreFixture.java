package io.homeport.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** How a contract suite gets a store of one implementation: open it empty, open the same database again, clean up. */
public interface StoreFixture {
  /** Opens a store with nothing in it (a fresh or emptied database). */
  Future<Store> openStore(Vertx vertx);

  /** Opens a store on the database the last {@link #openStore} created, keeping its content. */
  Future<Store> reopenStore(Vertx vertx);

  /** Removes what {@link #openStore} created; called after the store is closed. */
  Future<Void> cleanup(Vertx vertx);
}
