package io.homeport.store.pg;

import io.homeport.store.DeviceRepositoryContract;

/** The device repository contract on the PostgreSQL store, one fresh schema per test. */
class PgDeviceRepositoryTest extends DeviceRepositoryContract {
  PgDeviceRepositoryTest() {
    super(new PgTestSchema());
  }
}
