package io.homeport.store.pg;

import io.homeport.store.DeviceRepositoryContract;
import io.homeport.store.Store;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** The device repository contract on the PostgreSQL store, one fresh schema per test. */
class PgDeviceRepositoryTest extends DeviceRepositoryContract {

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
