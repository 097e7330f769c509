package io.homeport.event;

import io.homeport.config.Durations;
import io.homeport.config.HomeportConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable event log in front of the event bus (DESIGN.md 2.4): every event handed to {@link
 * #publish} is stored with a store-assigned id and only then published on {@link EventAddresses#EVENTS}
 * as a {@link LoggedEvent} (the typed event with its id and wire form {@code {id, type, time, deviceId,
 * data}}).
 *
 * <p><b>Order.</b> {@link #publish} may be called from any thread; it never blocks and never touches the
 * store itself. Events go into one queue, in the order the calls happened (events of one thread keep
 * their order). This verticle's context takes them out in batches of up to {@value #BATCH}, stores each
 * batch in one transaction and then publishes it in id order, one batch at a time: ids increase in queue
 * order, and subscribers on the bus see every event once, in id order.
 *
 * <p><b>Failures.</b> A batch the store refuses is logged and written again, the same batch, with
 * backoff up to {@value #MAX_RETRY_MILLIS} ms, until it is stored; nothing behind it is published
 * before it, so order holds. While the store is failing, new events wait in the queue; past {@value
 * #MAX_BACKLOG} waiting events new ones are dropped (counted and logged) rather than let memory grow
 * without bound. Data that cannot be encoded as JSON is refused at {@link #publish} (logged, dropped).
 *
 * <p><b>Retention.</b> At start and every minute, events older than {@code events.retentionMaxAge} and
 * beyond the newest {@code events.retentionMaxCount} are deleted, {@value #PRUNE_CHUNK} per statement so
 * that other writers are never locked out for long. Store calls are asynchronous (worker threads of the
 * pool), so nothing here blocks an event loop.
 *
 * <p><b>Cluster mode.</b> Several nodes store into one log, and every node's consumers must see every
 * node's events, in id order. A tailing log ({@link #tailing}) therefore does not publish what it stored:
 * it reads the store after the last id it published, every {@value #TAIL_MILLIS} ms and at once after
 * each of its own batches, and publishes what it finds in id order, its own events as they were
 * handed to it and other nodes' events typed again from their stored form ({@link EventJson#parse}). The
 * store assigns ids in commit order (PostgreSQL: a counter row each append takes first), so a read after
 * an id never misses an event committed later with a lower one.
 *
 * <p>While deployed, the log is registered with its Vert.x instance ({@link #running}) so the API's event
 * stream can replay from it. Undeploying it stores and publishes what is still queued first.
 */
public final class EventLog extends VerticleBase implements EventPublisher, Shareable {
  private static final Logger LOG = LoggerFactory.getLogger(EventLog.class);

  /** Events stored in one transaction at most. */
  public static final int BATCH = 500;
  /** Events deleted by one pruning statement at most. */
  static final int PRUNE_CHUNK = 10_000;
  static final long PRUNE_PERIOD_MILLIS = 60_000;
  /** Events waiting for the store before new ones are dropped. */
  static final int MAX_BACKLOG = 100_000;
  static final long MAX_RETRY_MILLIS = 5_000;
  /** How long undeploying waits for the queue to be stored. */
  static final Duration STOP_FLUSH_TIMEOUT = Duration.ofSeconds(10);

  private static final String REGISTRY = "io.homeport.event.EventLog";
  /** How often a tailing log reads the events other nodes stored. */
  static final long TAIL_MILLIS = 100;

  private final EventRepository repository;
  private final HomeportConfig.Events settings;
  private final Clock clock;

  private final ConcurrentLinkedQueue<LoggedEvent> queue = new ConcurrentLinkedQueue<>();
  /** Accepted by {@link #publish} and not yet published or given up: the queue plus the batch in flight. */
  private final AtomicInteger backlog = new AtomicInteger();
  /** Events accepted so far; {@link #flush} waits until this many are done. */
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong storeFailures = new AtomicLong();
  /** True while a drain is scheduled or running on the context. */
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private volatile Context ctx;
  private volatile boolean closed;

  // context only
  private boolean inFlight;
  private int failuresInARow;
  private long done;
  /** Written on the context only. */
  private volatile long published;
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
  private boolean pruning;
  private long pruneTimer = -1;

  private record Waiter(long target, Promise<Void> promise) {}

  private final long prunePeriodMillis;
  /** Cluster mode: publish from the store, in id order, rather than what this node stored. */
  private final boolean tail;
  /** Tailing: this node's stored events by id, waiting for the tail to publish them typed as given. */
  private final java.util.Map<Long, DomainEvent> ownStored = new java.util.HashMap<>();
  /** Tailing: the last id published; context only. */
  private long tailedTo;
  private boolean tailing;
  private boolean tailAgain;

  public EventLog(EventRepository repository, HomeportConfig.Events settings, Clock clock) {
    this(repository, settings, clock, PRUNE_PERIOD_MILLIS, false);
  }

  /** A log for cluster mode: it publishes every node's events from the store, in id order. */
  public static EventLog tailing(EventRepository repository, HomeportConfig.Events settings, Clock clock) {
    return new EventLog(repository, settings, clock, PRUNE_PERIOD_MILLIS, true);
  }

  /** With another pruning period, for tests. */
  EventLog(EventRepository repository, HomeportConfig.Events settings, Clock clock, long prunePeriodMillis,
      boolean tail) {
    this.repository = Objects.requireNonNull(repository, "repository");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.prunePeriodMillis = prunePeriodMillis;
    this.tail = tail;
  }

  /** The log deployed on this Vert.x instance, for the event stream; fails when none is running. */
  public static EventLog running(Vertx vertx) {
    EventLog log = registry(vertx).get("log");
    if (log == null) {
      throw new IllegalStateException("no EventLog is deployed on this Vert.x instance");
    }
    return log;
  }

  private static LocalMap<String, EventLog> registry(Vertx vertx) {
    return vertx.sharedData().getLocalMap(REGISTRY);
  }

  @Override
  public Future<?> start() {
    ctx = context;
    LoggedEvent.registerCodec(vertx);
    registry(vertx).put("log", this);
    schedule();
    return repository.latestId().onSuccess(id -> {
      LOG.info("event log open at id {} (retention {} / {} events{})", id,
          Durations.format(settings.retentionMaxAge()), settings.retentionMaxCount(),
          tail ? "; cluster mode: publishing every node's events from the store" : "");
      if (tail) {
        tailedTo = id;
        vertx.setPeriodic(TAIL_MILLIS, t -> tail());
      }
      prune();
      pruneTimer = vertx.setPeriodic(prunePeriodMillis, t -> prune());
    });
  }

  @Override
  public Future<?> stop() {
    if (pruneTimer >= 0) {
      vertx.cancelTimer(pruneTimer);
    }
    registry(vertx).remove("log", this);
    int left = backlog.get();
    return flush().timeout(STOP_FLUSH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .onFailure(e -> LOG.error("event log: {} events could not be stored before stopping ({} queued at stop)",
            backlog.get(), left))
        .otherwiseEmpty()
        .onComplete(v -> closed = true);
  }

  // ------------------------------------------------------------------------------------ publish

  /** Queues the event to be stored and then published; returns at once, from any thread. */
  @Override
  public void publish(DomainEvent event) {
    Objects.requireNonNull(event, "event");
    if (closed) {
      LOG.warn("event log is closed: {} for device {} not stored", event.type().wireName(), event.deviceId());
      return;
    }
    LoggedEvent e;
    try {
      e = new LoggedEvent(StoredEvent.unsaved(event), event);
    } catch (IllegalArgumentException bad) {
      LOG.error("event log: dropping an event that cannot be stored", bad);
      return;
    }
    if (backlog.incrementAndGet() > MAX_BACKLOG) {
      backlog.decrementAndGet();
      long n = dropped.incrementAndGet();
      if (n == 1 || n % 10_000 == 0) {
        LOG.error("event log: {} events waiting for the store; dropped {} new events so far ({} for device {})",
            MAX_BACKLOG, n, event.type().wireName(), event.deviceId());
      }
      return;
    }
    accepted.incrementAndGet();
    queue.add(e);
    schedule();
  }

  /**
   * Completes once every event accepted by {@link #publish} before this call has been stored and
   * published (or, once the log is stopping, given up).
   */
  public Future<Void> flush() {
    long target = accepted.get();
    Context c = ctx;
    if (c == null) {
      return Future.failedFuture(new IllegalStateException("the event log is not deployed"));
    }
    Promise<Void> p = Promise.promise();
    c.runOnContext(v -> {
      if (done >= target) {
        p.complete();
      } else {
        waiters.add(new Waiter(target, p));
      }
    });
    return p.future();
  }

  /** Events accepted and not yet stored and published. */
  public int backlog() {
    return backlog.get();
  }

  /** Events dropped because too many were waiting for the store. */
  public long dropped() {
    return dropped.get();
  }

  /** Failed attempts to store a batch so far. */
  public long storeFailures() {
    return storeFailures.get();
  }

  // --------------------------------------------------------------------------- reading (stream)

  /** Stored events with an id greater than {@code afterId}, in id order. */
  public Future<List<StoredEvent>> readAfter(long afterId, int limit) {
    return repository.readAfter(afterId, limit);
  }

  /** The greatest id assigned so far (0 before the first event). */
  public Future<Long> latestId() {
    return repository.latestId();
  }

  public HomeportConfig.Events settings() {
    return settings;
  }

  // ------------------------------------------------------------------------------ the one writer

  private void schedule() {
    Context c = ctx;
    if (c != null && scheduled.compareAndSet(false, true)) {
      c.runOnContext(v -> drain());
    }
  }

  /** On the context: stores the next batch unless one is in flight. */
  private void drain() {
    if (inFlight) {
      return;
    }
    List<LoggedEvent> batch = new ArrayList<>(Math.min(BATCH, Math.max(1, queue.size())));
    LoggedEvent e;
    while (batch.size() < BATCH && (e = queue.poll()) != null) {
      batch.add(e);
    }
    if (batch.isEmpty()) {
      scheduled.set(false);
      // an event queued after the poll and before the flag was cleared found the flag set: take it now
      if (!queue.isEmpty() && scheduled.compareAndSet(false, true)) {
        ctx.runOnContext(v -> drain());
      }
      return;
    }
    inFlight = true;
    write(batch);
  }

  private void write(List<LoggedEvent> batch) {
    repository.append(batch.stream().map(LoggedEvent::stored).toList()).onComplete(ar -> {
      if (ar.succeeded()) {
        if (failuresInARow > 0) {
          LOG.info("event log: the store accepts events again after {} failed attempts", failuresInARow);
          failuresInARow = 0;
        }
        List<StoredEvent> stored = ar.result();
        for (int i = 0; i < stored.size(); i++) {
          if (tail) {
            ownStored.put(stored.get(i).id(), batch.get(i).event());
          } else {
            vertx.eventBus().publish(EventAddresses.EVENTS, new LoggedEvent(stored.get(i), batch.get(i).event()));
          }
        }
        if (tail) {
          tail();
        }
        published += batch.size();
        finished(batch.size());
      } else if (closed) {
        LOG.error("event log stopped while the store refused {} events: they are lost", batch.size(), ar.cause());
        finished(batch.size());
      } else {
        failuresInARow++;
        storeFailures.incrementAndGet();
        long delay = Math.min(MAX_RETRY_MILLIS, 100L << Math.min(failuresInARow - 1, 6));
        if (failuresInARow == 1 || failuresInARow % 20 == 0) {
          LOG.error("event log: the store refused a batch of {} events (attempt {}); retrying in {} ms, {} events "
              + "wait behind it in order", batch.size(), failuresInARow, delay, backlog.get() - batch.size(), ar.cause());
        }
        vertx.setTimer(delay, t -> write(batch));
      }
    });
  }

  /** Tailing: publishes what the store holds after the last id published, in id order; one read at a time. */
  private void tail() {
    if (tailing) {
      tailAgain = true;
      return;
    }
    tailing = true;
    tailAgain = false;
    repository.readAfter(tailedTo, BATCH).onComplete(ar -> {
      tailing = false;
      if (ar.failed()) {
        LOG.warn("event log: could not read the events after id {}: {}", tailedTo, ar.cause().getMessage());
        return;
      }
      for (StoredEvent stored : ar.result()) {
        DomainEvent own = ownStored.remove(stored.id());
        DomainEvent typed;
        try {
          typed = own != null ? own : EventJson.parse(stored);
        } catch (RuntimeException e) {
          LOG.warn("event log: event {} of type {} from another node is not understood here; skipped on the bus",
              stored.id(), stored.type());
          tailedTo = stored.id();
          continue;
        }
        vertx.eventBus().publish(EventAddresses.EVENTS, new LoggedEvent(stored, typed));
        tailedTo = stored.id();
      }
      if (tailAgain || ar.result().size() == BATCH) {
        tail();
      }
    });
  }

  private void finished(int n) {
    backlog.addAndGet(-n);
    done += n;
    while (!waiters.isEmpty() && waiters.peek().target() <= done) {
      waiters.poll().promise().complete();
    }
    inFlight = false;
    drain();
  }

  // ----------------------------------------------------------------------------------- retention

  private void prune() {
    if (pruning) {
      return;
    }
    pruning = true;
    Instant cutoff = clock.instant().minus(settings.retentionMaxAge());
    long maxCount = settings.retentionMaxCount();
    pruneAll(() -> repository.pruneOlderThan(cutoff, PRUNE_CHUNK), 0)
        .compose(byAge -> pruneAll(() -> repository.pruneToCount(maxCount, PRUNE_CHUNK), 0)
            .map(byCount -> new long[] {byAge, byCount}))
        .onComplete(ar -> {
          pruning = false;
          if (ar.failed()) {
            LOG.warn("event log: pruning failed (tried again in a minute): {}", ar.cause().toString());
          } else if (ar.result()[0] + ar.result()[1] > 0) {
            LOG.info("event log: pruned {} events older than {} and {} beyond the newest {}", ar.result()[0],
                cutoff, ar.result()[1], maxCount);
          }
        });
  }

  private static Future<Long> pruneAll(Supplier<Future<Integer>> step, long total) {
    return step.get().compose(n -> n < PRUNE_CHUNK
        ? Future.succeededFuture(total + n)
        : pruneAll(step, total + n));
  }

  /** Events stored and published by this log since it started (for tests and metrics). */
  public long publishedCount() {
    return published;
  }
}
