package io.homeport.store.pg;

import io.homeport.store.PermissionRepositoryContract;

/** The permission repository contract on the PostgreSQL store, one fresh schema per test. */
class PgPermissionRepositoryTest extends PermissionRepositoryContract {
  PgPermissionRepositoryTest() {
    super(new PgTestSchema());
  }
}
