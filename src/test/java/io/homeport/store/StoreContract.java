package io.homeport.store;

import static io.homeport.store.StoreFutures.await;

import io.homeport.device.Device;
import io.homeport.device.EnrollmentToken;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What every repository contract suite shares: a store opened empty before each test and closed
 * after it. A store implementation runs a suite by extending it and saying how to open its store.
 *
 * @param <R> the repository under test
 */
@ExtendWith(VertxExtension.class)
public abstract class StoreContract<R> {
  protected Store store;
  protected R repo;
  private final StoreFixture fixture;

  /** A suite whose subclass says how to open its store (overrides {@link #openStore} and, where needed, the others). */
  protected StoreContract() {
    this(null);
  }

  /** A suite on the store {@code fixture} opens: a second store is a subclass with this one constructor. */
  protected StoreContract(StoreFixture fixture) {
    this.fixture = fixture;
  }

  /** Opens a store with nothing in it (a fresh or emptied database). */
  protected Future<Store> openStore(Vertx vertx) {
    return fixture().openStore(vertx);
  }

  /** Opens the store the last {@link #openStore} opened again, keeping its content (for suites that restart). */
  protected Future<Store> reopenStore(Vertx vertx) {
    return fixture().reopenStore(vertx);
  }

  /** The repository of the store that the suite tests. */
  protected abstract R repository(Store store);

  /** Called after the store is closed, to remove what {@link #openStore} created. */
  protected Future<Void> cleanup(Vertx vertx) {
    return fixture == null ? Future.succeededFuture() : fixture.cleanup(vertx);
  }

  private StoreFixture fixture() {
    if (fixture == null) {
      throw new IllegalStateException(getClass().getSimpleName() + " names no store: pass a StoreFixture or override "
          + "openStore and reopenStore");
    }
    return fixture;
  }

  @BeforeEach
  void openRepository(Vertx vertx) {
    store = await(openStore(vertx));
    repo = repository(store);
  }

  @AfterEach
  void closeRepository(Vertx vertx) {
    if (store != null) {
      await(store.close());
    }
    await(cleanup(vertx));
  }

  /** Creates a pending device {@code id} (vendor {@code acme}, with an enrollment token), for suites needing one. */
  protected void createDevice(String id, Instant at) {
    await(store.devices().create(Device.pending(id, null, "acme", null, at),
        new EnrollmentToken(UUID.randomUUID().toString(), id, at, at.plusSeconds(3600), null), Set.of()));
  }
}
