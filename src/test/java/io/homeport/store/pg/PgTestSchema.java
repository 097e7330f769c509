package io.homeport.store.pg;

import static io.homeport.store.StoreFutures.await;

import io.homeport.store.Store;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.SqlClient;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * A schema of its own on the machine's PostgreSQL (DESIGN.md 10: 127.0.0.1:5432, trust authentication,
 * database {@code test}) for the PostgreSQL store tests: {@link #openStore} creates {@code hp_<random>}
 * and opens a store whose connections work in it ({@code search_path}), {@link #drop} removes it.
 *
 * <p>Where PostgreSQL cannot be reached the tests are skipped, saying why, except under {@code CI=true}:
 * CI starts PostgreSQL (see {@code .ci/run}), so there an unreachable database fails the tests.
 */
public final class PgTestSchema implements io.homeport.store.StoreFixture {
  /** The machine's PostgreSQL as the tests reach it. */
  public static final PgConnectOptions SERVER = new PgConnectOptions()
      .setHost("127.0.0.1").setPort(5432).setDatabase("test").setUser("postgres");

  private static Boolean reachable;

  private String schema;

  /** Creates a fresh, empty schema (dropping none: {@link #drop} does). */
  public Future<Void> create(Vertx vertx) {
    requireServer(vertx);
    schema = "hp_" + UUID.randomUUID().toString().replace("-", "");
    return admin(vertx, "CREATE SCHEMA " + schema);
  }

  /** Creates a fresh schema and opens a migrated store in it. */
  @Override
  public Future<Store> openStore(Vertx vertx) {
    return create(vertx).compose(v -> reopenStore(vertx));
  }

  /** Opens a store on the schema the last {@link #openStore} created, keeping its content. */
  @Override
  public Future<Store> reopenStore(Vertx vertx) {
    return PgStore.open(vertx, connectOptions(), 4).map(store -> store);
  }

  /** Drops the schema the last {@link #openStore} created. */
  @Override
  public Future<Void> cleanup(Vertx vertx) {
    return drop(vertx);
  }

  /** Connect options of the schema, for tests that start a server on it. */
  public PgConnectOptions connectOptions() {
    Map<String, String> properties = new HashMap<>(SERVER.getProperties());
    properties.put("search_path", schema);
    return new PgConnectOptions(SERVER).setProperties(properties);
  }

  /** The schema as {@code store.url} names it: its connections' {@code search_path} is a property of the url. */
  public String url() {
    return "postgresql://" + SERVER.getUser() + "@" + SERVER.getHost() + ":" + SERVER.getPort() + "/"
        + SERVER.getDatabase() + "?search_path=" + schema;
  }

  /** Drops the schema and everything in it; nothing when none was created. */
  public Future<Void> drop(Vertx vertx) {
    if (schema == null) {
      return Future.succeededFuture();
    }
    String dropped = schema;
    schema = null;
    return admin(vertx, "DROP SCHEMA IF EXISTS " + dropped + " CASCADE");
  }

  /** Skips the calling test when PostgreSQL does not answer, or fails it under {@code CI=true}. */
  public static synchronized void requireServer(Vertx vertx) {
    if (reachable == null) {
      try {
        await(admin(vertx, "SELECT 1"));
        reachable = true;
      } catch (RuntimeException | AssertionError e) {
        reachable = false;
      }
    }
    String where = PgStore.describe(SERVER);
    if (!reachable && "true".equals(System.getenv("CI"))) {
      throw new AssertionError("PostgreSQL at " + where + " is unreachable, and CI=true requires it");
    }
    Assumptions.assumeTrue(reachable, "PostgreSQL at " + where + " is unreachable: PostgreSQL store tests skipped");
  }

  private static Future<Void> admin(Vertx vertx, String sql) {
    SqlClient client = PgBuilder.client().connectingTo(SERVER).using(vertx).build();
    return client.query(sql).execute().<Void>mapEmpty().eventually(client::close);
  }
}
