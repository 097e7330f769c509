package io.homeport.store.pg;

import io.homeport.addresslist.AddressListRepository;
import io.homeport.auth.TokenRepository;
import io.homeport.command.CommandRepository;
import io.homeport.device.DeviceRepository;
import io.homeport.event.EventRepository;
import io.homeport.rendezvous.PermissionRepository;
import io.homeport.rendezvous.SessionRepository;
import io.homeport.store.Migrations;
import io.homeport.store.Store;
import io.homeport.store.StoreException;
import io.homeport.store.sql.SqlAddressListRepository;
import io.homeport.store.sql.SqlPermissionRepository;
import io.homeport.store.sql.SqlSessionRepository;
import io.homeport.store.sql.SqlTokenRepository;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL store ({@code store.url = postgresql://...}): a vertx-pg-client pool, the schema
 * migrations of {@code db/migration/postgresql/} applied at open, and the repositories on it. The
 * client is non-blocking: statements run on the event loop of the caller without a worker thread.
 *
 * <p>Concurrency: every write of several statements is one transaction at READ COMMITTED; the
 * repositories let the writes decide (conditional updates, unique keys, row locks), never a read
 * before them, so several connections, and several Homeport nodes, may write at once.
 */
public final class PgStore implements Store {

  private static final Logger LOG = LoggerFactory.getLogger(PgStore.class);

  /** The migration folder, {@code db/migration/postgresql/}. */
  public static final String DIALECT = "postgresql";

  private final Pool pool;
  private final int schemaVersion;
  private final PgDeviceRepository devices;
  private final PgCommandRepository commands;
  private final PgEventRepository events;
  private final SqlTokenRepository tokens;
  private final SqlPermissionRepository permissions;
  private final SqlSessionRepository sessions;
  private final SqlAddressListRepository addressLists;

  private PgStore(Pool pool, int schemaVersion) {
    this.pool = pool;
    this.schemaVersion = schemaVersion;
    this.devices = new PgDeviceRepository(pool);
    this.commands = new PgCommandRepository(pool);
    this.events = new PgEventRepository(pool);
    this.tokens = new SqlTokenRepository(pool);
    this.permissions = new SqlPermissionRepository(pool, PgDialect.INSTANCE);
    this.sessions = new SqlSessionRepository(pool, PgDialect.INSTANCE);
    this.addressLists = new SqlAddressListRepository(pool, PgDialect.INSTANCE);
  }

  /**
   * Connects a pool of at most {@code poolSize} connections and brings the schema up to date.
   *
   * @return fails with {@link StoreException} when the database cannot be reached, a migration fails, or
   *     its schema is newer than this Homeport knows; the pool is closed again in that case. The message
   *     names host, port, database and user, never the password.
   */
  public static Future<PgStore> open(Vertx vertx, PgConnectOptions connect, int poolSize) {
    Objects.requireNonNull(vertx, "vertx");
    Objects.requireNonNull(connect, "connect");
    if (poolSize < 1) {
      throw new IllegalArgumentException("poolSize must be >= 1: " + poolSize);
    }
    String where = describe(connect);
    Pool pool = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(poolSize))
        .connectingTo(connect)
        .using(vertx)
        .build();
    return Migrations.load(vertx, DIALECT)
        .compose(migrations -> migrations.apply(pool))
        .transform(applied -> {
          if (applied.succeeded()) {
            LOG.info("PostgreSQL store {} open at schema version {} ({} connections at most)", where,
                applied.result(), poolSize);
            return Future.succeededFuture(new PgStore(pool, applied.result()));
          }
          Throwable e = applied.cause();
          return pool.close().transform(closed -> Future.failedFuture(e instanceof StoreException
              ? e
              : new StoreException("cannot open the PostgreSQL database " + where + ": " + e.getMessage(), e)));
        });
  }

  /**
   * Connect options for {@code postgresql://user@host:port/database} (as {@code store.url} holds it) and
   * the password given apart (null for none).
   *
   * @throws io.homeport.store.StoreException when the url is not one PostgreSQL's client reads
   */
  public static PgConnectOptions connectOptions(String url, String password) {
    PgConnectOptions options;
    try {
      options = PgConnectOptions.fromUri(url);
    } catch (IllegalArgumentException e) {
      throw new StoreException("store.url is not a PostgreSQL URL the client reads: " + e.getMessage(), e);
    }
    return password == null ? options : options.setPassword(password);
  }

  /** {@code user@host:port/database}: where the store is, without the password. */
  static String describe(PgConnectOptions connect) {
    return connect.getUser() + "@" + connect.getHost() + ":" + connect.getPort() + "/" + connect.getDatabase();
  }

  @Override
  public DeviceRepository devices() {
    return devices;
  }

  @Override
  public CommandRepository commands() {
    return commands;
  }

  @Override
  public TokenRepository tokens() {
    return tokens;
  }

  @Override
  public PermissionRepository permissions() {
    return permissions;
  }

  @Override
  public SessionRepository sessions() {
    return sessions;
  }

  @Override
  public AddressListRepository addressLists() {
    return addressLists;
  }

  @Override
  public EventRepository events() {
    return events;
  }

  /** The schema version the database was brought to at open. */
  public int schemaVersion() {
    return schemaVersion;
  }

  /** The pool, for tests of this package. */
  Pool pool() {
    return pool;
  }

  @Override
  public Future<Void> close() {
    return pool.close();
  }
}
