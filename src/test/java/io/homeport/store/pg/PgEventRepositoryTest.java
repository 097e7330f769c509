package io.homeport.store.pg;

import io.homeport.store.EventRepositoryContract;

/** The event repository contract on the PostgreSQL store, one fresh schema per test. */
class PgEventRepositoryTest extends EventRepositoryContract {
  PgEventRepositoryTest() {
    super(new PgTestSchema());
  }
}
