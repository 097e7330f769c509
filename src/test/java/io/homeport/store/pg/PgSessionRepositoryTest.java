package io.homeport.store.pg;

import io.homeport.store.SessionRepositoryContract;
import io.homeport.store.Store;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** The session repository contract on the PostgreSQL store, one fresh schema per test. */
class PgSessionRepositoryTest extends SessionRepositoryContract {

  private final PgTestSchema schema = new PgTestSchema();

  @Override
  protected Future<Store> openStore(Vertx vertx) {
    return schema.openStore(vertx);
  }

  @Override
  protected Future<Void> cleanup(Vertx vertx) {
    return schema.drop(vertx);
  }
}
