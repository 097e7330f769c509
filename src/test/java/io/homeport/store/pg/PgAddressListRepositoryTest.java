package io.homeport.store.pg;

import io.homeport.store.AddressListRepositoryContract;

/** The address-list repository contract on the PostgreSQL store, one fresh schema per test. */
class PgAddressListRepositoryTest extends AddressListRepositoryContract {
  PgAddressListRepositoryTest() {
    super(new PgTestSchema());
  }
}
