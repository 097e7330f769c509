package io.homeport.store.sqlite;

import io.homeport.command.CommandRepository;
import io.homeport.auth.TokenRepository;
import io.homeport.device.DeviceRepository;
import io.homeport.event.EventRepository;
import io.homeport.addresslist.AddressListRepository;
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
import io.vertx.jdbcclient.JDBCPool;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteCommitListener;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteDataSource;

/**
 * The embedded store: one SQLite file in the data directory, needing no setup.
 *
 * <p>{@link #open} creates the file with mode 0600 before SQLite first opens it (it holds beacon keys;
 * SQLite gives its {@code -wal} and {@code -shm} files the same mode), opens a small vertx-jdbc-client
 * pool whose every connection runs with {@code journal_mode=WAL}, {@code synchronous=NORMAL},
 * {@code foreign_keys=ON} and a {@code busy_timeout}, and applies the schema migrations of
 * {@code db/migration/sqlite/}. JDBC calls run on the pool's worker threads, never on an event loop.
 *
 * <p>Concurrency: SQLite allows one writer at a time; WAL lets readers proceed beside it. Transactions
 * are {@code BEGIN DEFERRED} ({@code IMMEDIATE} would make sqlite-jdbc take the write lock again
 * right after each commit, see {@link AutoCommitRestoringDataSource}). Rule for every repository of
 * this package: <b>a writing transaction starts with a write statement</b>. Its first statement then
 * takes the write lock, waiting up to the busy timeout; a transaction that reads first and writes
 * later fails at once with {@code SQLITE_BUSY} whenever another connection committed in between
 * (the contract test with concurrent enrollments shows it).
 *
 * <p>The command and event repositories, and the device repository's enrollment writes (create,
 * enroll), write through one {@link GroupCommitWriter}: its own connection and thread, plain JDBC, writes
 * arriving together committed in one transaction. Command reads, device lookups by id and enrollment
 * token lookups run on {@link JdbcReaders} (threads and connections of their own, plain JDBC); the rest
 * uses the pool. {@link #writeTransactions} counts the write transactions every
 * connection committed (SQLite's commit hook).
 */
public final class SqliteStore implements Store {

  private static final Logger LOG = LoggerFactory.getLogger(SqliteStore.class);

  /** The migration folder, {@code db/migration/sqlite/}. */
  public static final String DIALECT = "sqlite";

  /** How much of the database file each connection maps into memory (address space, not heap). */
  static final long MMAP_BYTES = 256L << 20;

  /** Threads (each with its connection) for the command path's reads. */
  private static final int READER_THREADS = 2;

  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");

  /**
   * Tuning of the store.
   *
   * @param poolSize connections in the pool (readers run in parallel, writers one at a time)
   * @param busyTimeout how long a statement waits for a lock held by another connection before failing
   * @param groupCommitWindow under load, the least time between two commits of the {@link
   *     GroupCommitWriter}: writes arriving in between share the next transaction (zero: each transaction
   *     takes whatever waits when the previous one ends)
   */
  public record Options(int poolSize, Duration busyTimeout, Duration groupCommitWindow) {
    /** 2 ms: at most 500 command and event transactions a second, each write waiting at most that long. */
    public static final Duration DEFAULT_GROUP_COMMIT_WINDOW = Duration.ofMillis(2);
    public static final Options DEFAULTS = new Options(4, Duration.ofSeconds(5), DEFAULT_GROUP_COMMIT_WINDOW);

    public Options(int poolSize, Duration busyTimeout) {
      this(poolSize, busyTimeout, DEFAULT_GROUP_COMMIT_WINDOW);
    }

    public Options {
      if (poolSize < 1) {
        throw new IllegalArgumentException("poolSize must be >= 1: " + poolSize);
      }
      Objects.requireNonNull(busyTimeout, "busyTimeout");
      if (busyTimeout.isNegative() || busyTimeout.toMillis() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("busyTimeout out of range: " + busyTimeout);
      }
      Objects.requireNonNull(groupCommitWindow, "groupCommitWindow");
      if (groupCommitWindow.isNegative() || groupCommitWindow.compareTo(Duration.ofSeconds(1)) > 0) {
        throw new IllegalArgumentException("groupCommitWindow must be 0 to 1 s: " + groupCommitWindow);
      }
    }
  }

  private final Pool pool;
  private final GroupCommitWriter writer;
  private final JdbcReaders readers;
  private final Path file;
  private final int schemaVersion;
  private final WriteTransactionCounter writeTransactions;
  private final SqliteDeviceRepository devices;
  private final SqliteCommandRepository commands;
  private final SqlTokenRepository tokens;
  private final SqliteEventRepository events;
  private final SqlPermissionRepository permissions;
  private final SqlSessionRepository sessions;
  private final SqlAddressListRepository addressLists;

  private SqliteStore(Pool pool, SQLiteDataSource sqlite, Options options, Path file, int schemaVersion,
      WriteTransactionCounter writeTransactions) {
    this.pool = pool;
    this.writer = new GroupCommitWriter(sqlite, options.groupCommitWindow());
    this.readers = new JdbcReaders(sqlite, READER_THREADS);
    this.file = file;
    this.schemaVersion = schemaVersion;
    this.writeTransactions = writeTransactions;
    this.devices = new SqliteDeviceRepository(pool, readers, writer);
    this.permissions = new SqlPermissionRepository(pool, SqliteDialect.INSTANCE);
    this.sessions = new SqlSessionRepository(pool, SqliteDialect.INSTANCE);
    this.addressLists = new SqlAddressListRepository(pool, SqliteDialect.INSTANCE);
    this.commands = new SqliteCommandRepository(readers, writer);
    this.tokens = new SqlTokenRepository(pool);
    this.events = new SqliteEventRepository(pool, writer);
  }

  /** Opens (creating when missing) the database file with {@link Options#DEFAULTS}. */
  public static Future<SqliteStore> open(Vertx vertx, Path databaseFile) {
    return open(vertx, databaseFile, Options.DEFAULTS);
  }

  /**
   * Opens (creating when missing) the database file and brings its schema up to date.
   *
   * @return fails with {@link StoreException} when the file cannot be created or opened, a migration
   *     fails, or the database was written by a newer Homeport (schema version newer than known here);
   *     the pool is closed again in that case
   */
  public static Future<SqliteStore> open(Vertx vertx, Path databaseFile, Options options) {
    Objects.requireNonNull(vertx, "vertx");
    Objects.requireNonNull(options, "options");
    Path file = databaseFile.toAbsolutePath().normalize();
    WriteTransactionCounter writeTransactions = new WriteTransactionCounter();
    return Migrations.load(vertx, DIALECT)
        .compose(migrations -> dataSource(vertx, file, options, writeTransactions).compose(sqlite -> {
          Pool pool = pool(vertx, sqlite, options);
          return migrations.apply(pool)
              .transform(applied -> {
                if (applied.succeeded()) {
                  LOG.info("SQLite store {} open at schema version {}", file, applied.result());
                  return Future.succeededFuture(new SqliteStore(pool, sqlite, options, file, applied.result(),
                      writeTransactions));
                }
                return pool.close().transform(closed -> Future.failedFuture(applied.cause()));
              });
        }))
        .recover(e -> Future.failedFuture(e instanceof StoreException
            ? e
            : new StoreException("cannot open the SQLite database " + file + ": " + e.getMessage(), e)));
  }

  /**
   * Creates the file (mode 0600) when missing, then a pool on it; no migration. Package-private for
   * tests that need a bare database.
   */
  static Future<Pool> createPool(Vertx vertx, Path file, Options options) {
    return dataSource(vertx, file, options, new WriteTransactionCounter()).map(sqlite -> pool(vertx, sqlite, options));
  }

  /** Creates the file when missing; a data source whose connections count their commits. */
  private static Future<SQLiteDataSource> dataSource(Vertx vertx, Path file, Options options,
      WriteTransactionCounter counter) {
    return vertx.executeBlocking(() -> {
      prepareFile(file);
      return dataSource(file, options, counter);
    }, false);
  }

  private static Pool pool(Vertx vertx, SQLiteDataSource sqlite, Options options) {
    return JDBCPool.pool(vertx, new AutoCommitRestoringDataSource(sqlite),
        new PoolOptions().setMaxSize(options.poolSize()));
  }

  private static SQLiteDataSource dataSource(Path file, Options options, WriteTransactionCounter writeTransactions) {
    // sqlite-jdbc applies these pragmas to every connection it opens (they are per connection,
    // except journal_mode, which WAL makes persistent in the file)
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    config.enforceForeignKeys(true);
    config.setBusyTimeout((int) options.busyTimeout().toMillis());
    config.setTransactionMode(SQLiteConfig.TransactionMode.DEFERRED);
    // A connection drops its whole page cache whenever another connection has written since its last
    // transaction (WAL), which under a steady command load is before nearly every read of the readers;
    // memory-mapped pages of the file are there again at once instead of being read and copied
    config.setPragma(SQLiteConfig.Pragma.MMAP_SIZE, String.valueOf(MMAP_BYTES));
    SQLiteDataSource sqlite = new SQLiteDataSource(config) {
      @Override
      public SQLiteConnection getConnection(String user, String password) throws java.sql.SQLException {
        SQLiteConnection connection = super.getConnection(user, password);
        connection.addCommitListener(writeTransactions);
        return connection;
      }
    };
    sqlite.setUrl("jdbc:sqlite:" + file);
    return sqlite;
  }

  /**
   * Counts commits through SQLite's commit hook, which fires only for transactions that took the write
   * lock (an explicit transaction or a single writing statement), never for reads; one adder add per
   * commit.
   */
  private static final class WriteTransactionCounter implements SQLiteCommitListener {
    private final LongAdder commits = new LongAdder();

    @Override
    public void onCommit() {
      commits.increment();
    }

    @Override
    public void onRollback() {
      // not committed: not counted
    }

    long count() {
      return commits.sum();
    }
  }

  /** Makes sure the database file exists with owner-only permissions before SQLite opens it. */
  private static void prepareFile(Path file) {
    try {
      Path parent = file.getParent();
      boolean posix = Files.getFileStore(existingAncestor(parent))
          .supportsFileAttributeView(PosixFileAttributeView.class);
      if (parent != null && !Files.isDirectory(parent)) {
        if (posix) {
          Files.createDirectories(parent, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
        } else {
          Files.createDirectories(parent);
        }
      }
      if (!posix) {
        LOG.warn("{} is not on a POSIX file system: cannot restrict the database file to its owner", file);
        if (!Files.exists(file)) {
          Files.createFile(file);
        }
        return;
      }
      try {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        // the umask cannot add bits, but make the mode explicit all the same
        Files.setPosixFilePermissions(file, OWNER_ONLY);
        LOG.info("created SQLite database file {}", file);
      } catch (FileAlreadyExistsException exists) {
        if (!Files.isRegularFile(file)) {
          throw new StoreException("database path is not a regular file: " + file);
        }
        for (String suffix : new String[] {"", "-wal", "-shm", "-journal"}) {
          restrict(Path.of(file + suffix));
        }
      }
    } catch (IOException e) {
      throw new StoreException("cannot create the database file " + file + ": " + e.getMessage(), e);
    }
  }

  private static void restrict(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    Set<PosixFilePermission> current = Files.getPosixFilePermissions(path);
    if (!current.equals(OWNER_ONLY)) {
      LOG.warn("{} had mode {}; restricting it to rw------- because it holds device secrets",
          path, PosixFilePermissions.toString(current));
      Files.setPosixFilePermissions(path, OWNER_ONLY);
    }
  }

  private static Path existingAncestor(Path dir) {
    Path p = dir == null ? Path.of("").toAbsolutePath() : dir;
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    return p == null ? Path.of("").toAbsolutePath() : p;
  }

  @Override
  public DeviceRepository devices() {
    return devices;
  }

  @Override
  public TokenRepository tokens() {
    return tokens;
  }

  @Override
  public CommandRepository commands() {
    return commands;
  }

  @Override
  public EventRepository events() {
    return events;
  }

  @Override
  public PermissionRepository permissions() {
    return permissions;
  }

  @Override
  public AddressListRepository addressLists() {
    return addressLists;
  }

  @Override
  public SessionRepository sessions() {
    return sessions;
  }

  /** The database file. */
  public Path file() {
    return file;
  }

  /** The schema version the database was brought to at open. */
  public int schemaVersion() {
    return schemaVersion;
  }

  /** Write transactions committed on the pool's connections since open, migrations included. */
  @Override
  public OptionalLong writeTransactions() {
    return OptionalLong.of(writeTransactions.count());
  }

  /** The writer of the command and event repositories, for tests. */
  GroupCommitWriter writer() {
    return writer;
  }

  /** The pool, for repositories of this package and tests. */
  Pool pool() {
    return pool;
  }

  @Override
  public Future<Void> close() {
    return writer.close().transform(v -> readers.close()).transform(v -> pool.close());
  }
}
