package io.homeport.store.pg;

import io.homeport.store.SessionRepositoryContract;

/** The session repository contract on the PostgreSQL store, one fresh schema per test. */
class PgSessionRepositoryTest extends SessionRepositoryContract {
  PgSessionRepositoryTest() {
    super(new PgTestSchema());
  }
}
