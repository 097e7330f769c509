package io.homeport.store.pg;

import io.homeport.store.CommandRepositoryContract;

/** The command repository contract on the PostgreSQL store, one fresh schema per test. */
class PgCommandRepositoryTest extends CommandRepositoryContract {
  PgCommandRepositoryTest() {
    super(new PgTestSchema());
  }
}
