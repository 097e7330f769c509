package io.homeport.event;

import static io.homeport.store.StoreFutures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.testing.TestEvents;
import io.homeport.config.HomeportConfig;
import io.homeport.store.StoreException;
import io.homeport.store.sqlite.SqliteStore;
import io.homeport.testing.TestServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The durable event log on a real SQLite store: order, failures, retention, stopping. */
@ExtendWith(VertxExtension.class)
class EventLogTest {

  @TempDir Path dir;
  private SqliteStore store;
  private final List<JsonObject> received = java.util.Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void open(Vertx vertx) {
    store = await(SqliteStore.open(vertx, dir.resolve("homeport.db")));
    vertx.eventBus().<LoggedEvent>consumer(EventAddresses.EVENTS, m -> received.add(m.body().toJson()));
  }

  @AfterEach
  void close(Vertx vertx) {
    // undeploy everything first: the log stores what is queued before the store goes
    for (String id : vertx.deploymentIDs()) {
      await(vertx.undeploy(id));
    }
    await(store.close());
  }

  @Test
  @DisplayName("Verifies that events from several threads are stored and then published once each, in id order")
  void concurrentPublishers(Vertx vertx) throws Exception {
    // given a deployed log
    EventLog log = deploy(vertx, store.events(), HomeportConfig.Events.DEFAULTS);

    // when four threads publish 2,500 events each at the same time
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int thread = t;
      threads.add(new Thread(() -> {
        for (int i = 0; i < 2_500; i++) {
          log.publish(event("dev-" + thread, Map.of("thread", thread, "seq", i)));
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    await(log.flush());
    TestServer.await("10,000 events on the bus", Duration.ofSeconds(10), () -> received.size() == 10_000);

    // then the bus saw ids strictly increasing, each thread's events in its own order, every event once
    assertStrictlyIncreasingIds(received);
    Map<Integer, Integer> nextSeq = new HashMap<>();
    for (JsonObject e : received) {
      int thread = TestEvents.result(e).getInteger("thread");
      assertThat(TestEvents.result(e).getInteger("seq")).isEqualTo(nextSeq.getOrDefault(thread, 0));
      nextSeq.put(thread, nextSeq.getOrDefault(thread, 0) + 1);
    }
    assertThat(nextSeq).containsOnly(Map.entry(0, 2_500), Map.entry(1, 2_500), Map.entry(2, 2_500),
        Map.entry(3, 2_500));
    // and what the bus saw is exactly what the store holds, in the shape {id, type, time, deviceId, data}
    List<JsonObject> stored = new ArrayList<>();
    for (StoredEvent e : await(store.events().readAfter(0, 20_000))) {
      stored.add(e.toJson());
    }
    assertThat(received).isEqualTo(stored);
    assertThat(received.get(0).fieldNames()).containsExactly("id", "type", "time", "deviceId", "data");
    assertThat(received.get(0).getString("type")).isEqualTo("command.queued");
    assertThat(log.backlog()).isZero();
    assertThat(log.publishedCount()).isEqualTo(10_000);
  }

  @Test
  @DisplayName("Verifies that a store failure is retried without losing or reordering events")
  void storeFailuresAreRetriedInOrder(Vertx vertx) throws Exception {
    // given a store that refuses the first three batches
    AtomicInteger failuresLeft = new AtomicInteger(3);
    EventRepository flaky = new FlakyRepository(store.events(), () -> failuresLeft.getAndDecrement() > 0);
    EventLog log = deploy(vertx, flaky, HomeportConfig.Events.DEFAULTS);

    // when 1,200 events are published from one thread
    for (int i = 0; i < 1_200; i++) {
      log.publish(event("dev-1", Map.of("seq", i)));
    }
    await(log.flush());
    TestServer.await("1,200 events on the bus", Duration.ofSeconds(10), () -> received.size() == 1_200);

    // then the three failures were counted, and every event was stored and published once, in order
    assertThat(log.storeFailures()).isEqualTo(3);
    assertStrictlyIncreasingIds(received);
    for (int i = 0; i < 1_200; i++) {
      assertThat(TestEvents.result(received.get(i)).getInteger("seq")).isEqualTo(i);
    }
    assertThat(await(store.events().readAfter(0, 5_000))).hasSize(1_200);
  }

  @Test
  @DisplayName("Verifies that while the store is down the backlog is bounded and it is written in order once it is back")
  void boundedBacklogWhileTheStoreIsDown(Vertx vertx) throws Exception {
    // given a store that refuses everything until it is healed
    AtomicBoolean down = new AtomicBoolean(true);
    EventLog log = deploy(vertx, new FlakyRepository(store.events(), down::get), HomeportConfig.Events.DEFAULTS);

    // when more events than the backlog holds are published
    for (int i = 0; i < EventLog.MAX_BACKLOG + 25; i++) {
      log.publish(event("dev-1", Map.of("seq", i)));
    }

    // then the excess is dropped and counted, nothing is published
    assertThat(log.dropped()).isEqualTo(25);
    assertThat(log.backlog()).isEqualTo(EventLog.MAX_BACKLOG);
    assertThat(received).isEmpty();

    // when the store is back
    down.set(false);
    await(log.flush().timeout(60, java.util.concurrent.TimeUnit.SECONDS));
    TestServer.await("the backlog on the bus", Duration.ofSeconds(30), () -> received.size() == EventLog.MAX_BACKLOG);

    // then every accepted event is stored and published, in order
    assertStrictlyIncreasingIds(received);
    for (int i = 0; i < received.size(); i += 997) {
      assertThat(TestEvents.result(received.get(i)).getInteger("seq")).isEqualTo(i);
    }
    assertThat(log.backlog()).isZero();
  }

  @Test
  @DisplayName("Verifies that retention prunes by age and by count at start and then periodically")
  void retention(Vertx vertx) throws Exception {
    // given 5 events older than the maximum age and 20 recent ones
    Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    List<StoredEvent> old = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      old.add(new StoredEvent(0, "device.online", now.minus(Duration.ofDays(8)), "dev-old", "{}"));
    }
    await(store.events().append(old));
    List<StoredEvent> recent = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      recent.add(new StoredEvent(0, "device.online", now.minusSeconds(60 - i), "dev-new", "{\"seq\":" + i + "}"));
    }
    List<StoredEvent> recentStored = await(store.events().append(recent));

    // when a log keeping 7 days and at most 10 events starts, pruning every 200 ms
    EventLog log = new EventLog(store.events(), new HomeportConfig.Events(Duration.ofDays(7), 10, 100, Duration.ofSeconds(30)),
        Clock.systemUTC(), 200, false);
    await(vertx.deployVerticle(log));

    // then at start the old events and the oldest recent ones beyond 10 are deleted
    TestServer.await("pruned to 10", Duration.ofSeconds(10), () -> remaining().size() == 10);
    assertThat(remaining()).isEqualTo(recentStored.subList(10, 20));

    // when 4 more events are published
    for (int i = 0; i < 4; i++) {
      log.publish(event("dev-new", Map.of("seq", 20 + i)));
    }
    await(log.flush());

    // then the next periodic run keeps the newest 10 again
    TestServer.await("pruned to the newest 10 again", Duration.ofSeconds(10),
        () -> remaining().size() == 10 && remaining().get(9).data().contains("23"));
    assertThat(remaining().get(0).id()).isEqualTo(recentStored.get(14).id());
  }

  @Test
  @DisplayName("Verifies that undeploying the log stores and publishes what is still queued, and later events are refused")
  void stopFlushes(Vertx vertx) throws Exception {
    // given a log with 3,000 events just published
    EventLog log = deploy(vertx, store.events(), HomeportConfig.Events.DEFAULTS);
    for (int i = 0; i < 3_000; i++) {
      log.publish(event("dev-1", Map.of("seq", i)));
    }

    // when it is undeployed at once
    await(vertx.undeploy(log.deploymentID()));
    log.publish(event("dev-1", Map.of("seq", 3_000)));

    // then all 3,000 are stored (and the one published after stopping is not), and it is no longer running
    assertThat(await(store.events().readAfter(0, 10_000))).hasSize(3_000);
    assertThat(await(store.events().latestId())).isEqualTo(3_000);
    org.assertj.core.api.Assertions.assertThatIllegalStateException().isThrownBy(() -> EventLog.running(vertx));
  }

  // ------------------------------------------------------------------------------------ helpers

  private List<StoredEvent> remaining() {
    return await(store.events().readAfter(0, 1_000));
  }

  private static EventLog deploy(Vertx vertx, EventRepository repo, HomeportConfig.Events settings) {
    EventLog log = new EventLog(repo, settings, Clock.systemUTC());
    await(vertx.deployVerticle(log));
    assertThat(EventLog.running(vertx)).isSameAs(log);
    return log;
  }

  private static DomainEvent event(String deviceId, Map<String, Object> result) {
    return TestEvents.withResult(EventType.COMMAND_QUEUED, deviceId, result);
  }

  private static void assertStrictlyIncreasingIds(List<JsonObject> events) {
    long last = 0;
    for (JsonObject e : events) {
      assertThat(e.getLong("id")).as("id after %d", last).isGreaterThan(last);
      last = e.getLong("id");
    }
  }

  /** Fails appends while the condition says so; everything else goes to the real repository. */
  private static final class FlakyRepository implements EventRepository {
    private final EventRepository delegate;
    private final java.util.function.BooleanSupplier fail;

    FlakyRepository(EventRepository delegate, java.util.function.BooleanSupplier fail) {
      this.delegate = delegate;
      this.fail = fail;
    }

    @Override
    public Future<List<StoredEvent>> append(List<StoredEvent> events) {
      return fail.getAsBoolean() ? Future.failedFuture(new StoreException("disk I/O error (simulated)"))
          : delegate.append(events);
    }

    @Override
    public Future<List<StoredEvent>> readAfter(long afterId, int limit) {
      return delegate.readAfter(afterId, limit);
    }

    @Override
    public Future<Long> latestId() {
      return delegate.latestId();
    }

    @Override
    public Future<Integer> pruneOlderThan(Instant cutoff, int limit) {
      return delegate.pruneOlderThan(cutoff, limit);
    }

    @Override
    public Future<Integer> pruneToCount(long keep, int limit) {
      return delegate.pruneToCount(keep, limit);
    }
  }
}
