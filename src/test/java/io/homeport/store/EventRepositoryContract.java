package io.homeport.store;

import io.homeport.event.EventRepository;

import static io.homeport.store.StoreFutures.await;
import static io.homeport.store.StoreFutures.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import io.homeport.event.StoredEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link EventRepository} must have, whatever the database. A backend's test
 * extends this class and says how to open an empty store and how to open the same database again.
 * Tests run on the JUnit thread and wait for each future in turn.
 */
public abstract class EventRepositoryContract extends StoreContract<EventRepository> {
  protected EventRepositoryContract() {}

  /** The suite on the store {@code fixture} opens. */
  protected EventRepositoryContract(StoreFixture fixture) {
    super(fixture);
  }

  @Override
  protected EventRepository repository(Store opened) {
    return opened.events();
  }

  /** Whole milliseconds: that is what a store keeps. */
  protected static final Instant T0 = Instant.parse("2025-03-01T10:00:00.123Z");


  // ------------------------------------------------------------------------------------- append

  @Test
  @DisplayName("Verifies that append stores every field and gives increasing ids in list order")
  void appendAssignsIncreasingIds() {
    // given an empty log and three events, one without a device and one with unicode and nesting
    List<StoredEvent> batch = List.of(
        event("device.online", T0, "dev-1", "{\"publicAddress\":\"198.18.0.7:40000\"}"),
        event("plugin.loaded", T0.plusMillis(1), null, "{}"),
        event("command.succeeded", T0.plusMillis(2), "dev-2", "{\"result\":{\"label\":\"Wohnzimmer \u00fc\",\"n\":[1,2]}}"));

    // when they are appended
    List<StoredEvent> stored = await(repo.append(batch));

    // then they come back in the same order with increasing ids above 0, and read back unchanged
    assertThat(stored).hasSize(3);
    assertThat(stored.get(0).id()).isPositive();
    assertThat(stored.get(1).id()).isGreaterThan(stored.get(0).id());
    assertThat(stored.get(2).id()).isGreaterThan(stored.get(1).id());
    for (int i = 0; i < 3; i++) {
      assertThat(stored.get(i).withId(0)).isEqualTo(batch.get(i));
    }
    assertThat(await(repo.readAfter(0, 10))).isEqualTo(stored);
  }

  @Test
  @DisplayName("Verifies that ids of a later append are above every earlier id, also across a reopen")
  void idsIncreaseAcrossAppendsAndReopen(Vertx vertx) {
    // given two appends
    List<StoredEvent> first = await(repo.append(events(5, T0)));
    List<StoredEvent> second = await(repo.append(events(3, T0)));

    // when the store is reopened and another batch appended
    await(store.close());
    store = await(reopenStore(vertx));
    repo = store.events();
    List<StoredEvent> third = await(repo.append(events(2, T0)));

    // then every id is greater than all ids before it
    List<Long> ids = new ArrayList<>();
    for (List<StoredEvent> b : List.of(first, second, third)) {
      b.forEach(e -> ids.add(e.id()));
    }
    assertThat(ids).isSorted().doesNotHaveDuplicates().hasSize(10);
    assertThat(await(repo.latestId())).isEqualTo(third.get(1).id());
  }

  @Test
  @DisplayName("Verifies that a batch is atomic: one invalid event and none of the batch is stored")
  void appendIsAtomic() {
    // given a stored event
    StoredEvent before = await(repo.append(events(1, T0))).get(0);
    List<StoredEvent> batch = new ArrayList<>(events(5, T0.plusSeconds(1)));
    // and a batch whose fourth event's data is not a JSON object
    batch.set(3, event("device.online", T0, "dev-1", "not json"));

    // when the batch is appended
    Throwable failure = failure(repo.append(batch));

    // then it fails and nothing of it is stored; the next append continues right after the last id
    assertThat(failure).isNotNull();
    assertThat(await(repo.readAfter(0, 100))).containsExactly(before);
    assertThat(await(repo.latestId())).isEqualTo(before.id());
    StoredEvent next = await(repo.append(events(1, T0))).get(0);
    assertThat(next.id()).isGreaterThan(before.id());
  }

  @Test
  @DisplayName("Verifies that data must be a JSON object and an empty batch stores nothing")
  void dataMustBeAnObject() {
    // given data that is JSON but not an object
    // when it is appended, and an empty batch is appended
    Throwable array = failure(repo.append(List.of(event("device.online", T0, "d", "[1,2]"))));
    List<StoredEvent> none = await(repo.append(List.of()));

    // then the array is refused and nothing is stored
    assertThat(array).isNotNull();
    assertThat(none).isEmpty();
    assertThat(await(repo.latestId())).isZero();
  }

  @Test
  @DisplayName("Verifies that null arguments throw and negative numbers fail the future")
  void arguments() {
    assertThatNullPointerException().isThrownBy(() -> repo.append(null));
    List<StoredEvent> withNull = new ArrayList<>();
    withNull.add(null);
    assertThatNullPointerException().isThrownBy(() -> repo.append(withNull));
    assertThatNullPointerException().isThrownBy(() -> repo.pruneOlderThan(null, 1));
    assertThat(failure(repo.readAfter(-1, 1))).isInstanceOf(IllegalArgumentException.class);
    assertThat(failure(repo.readAfter(0, -1))).isInstanceOf(IllegalArgumentException.class);
    assertThat(failure(repo.pruneOlderThan(T0, -1))).isInstanceOf(IllegalArgumentException.class);
    assertThat(failure(repo.pruneToCount(-1, 1))).isInstanceOf(IllegalArgumentException.class);
    assertThat(failure(repo.pruneToCount(1, -1))).isInstanceOf(IllegalArgumentException.class);
  }

  // --------------------------------------------------------------------------------------- read

  @Test
  @DisplayName("Verifies that readAfter pages through the log in id order without gaps or repeats")
  void readAfterPages() {
    // given 1,234 events appended in batches of various sizes
    List<StoredEvent> all = new ArrayList<>();
    for (int size : new int[] {1, 500, 233, 500}) {
      all.addAll(await(repo.append(events(size, T0.plusSeconds(all.size())))));
    }

    // when the log is read in pages of 100 from the start
    List<StoredEvent> read = new ArrayList<>();
    long after = 0;
    List<StoredEvent> page;
    do {
      page = await(repo.readAfter(after, 100));
      read.addAll(page);
      if (!page.isEmpty()) {
        after = page.get(page.size() - 1).id();
      }
    } while (page.size() == 100);

    // then every event comes exactly once, in id order; reading after the newest gives nothing
    assertThat(read).isEqualTo(all);
    assertThat(read).extracting(StoredEvent::id).isSorted().doesNotHaveDuplicates();
    assertThat(await(repo.readAfter(all.get(all.size() - 1).id(), 10))).isEmpty();
    assertThat(await(repo.readAfter(all.get(9).id(), 3))).isEqualTo(all.subList(10, 13));
    assertThat(await(repo.readAfter(0, 0))).isEmpty();
  }

  @Test
  @DisplayName("Verifies that latestId is 0 on an empty log and stays the greatest id after pruning everything")
  void latestId() {
    // given an empty log
    assertThat(await(repo.latestId())).isZero();

    // when three events are appended and all of them pruned
    List<StoredEvent> stored = await(repo.append(events(3, T0)));
    assertThat(await(repo.pruneToCount(0, 100))).isEqualTo(3);

    // then latestId still names the last one, and the next append does not reuse an id
    assertThat(await(repo.readAfter(0, 10))).isEmpty();
    assertThat(await(repo.latestId())).isEqualTo(stored.get(2).id());
    assertThat(await(repo.append(events(1, T0))).get(0).id()).isGreaterThan(stored.get(2).id());
  }

  // -------------------------------------------------------------------------------------- prune

  @Test
  @DisplayName("Verifies that pruning by age deletes exactly the events before the cutoff, in bounded steps")
  void pruneByAge() {
    // given events one minute apart, the times not in id order for two of them
    List<StoredEvent> batch = new ArrayList<>(events(10, T0));
    batch.set(2, batch.get(2).withTime(T0.plus(Duration.ofMinutes(30))));
    batch.set(8, batch.get(8).withTime(T0.minus(Duration.ofMinutes(30))));
    List<StoredEvent> stored = await(repo.append(batch));
    Instant cutoff = T0.plus(Duration.ofMinutes(5)); // before it: #0, #1, #3, #4 and #8

    // when pruned with a limit of 3 per call until a call deletes fewer
    List<Integer> deleted = new ArrayList<>();
    int n;
    do {
      n = await(repo.pruneOlderThan(cutoff, 3));
      deleted.add(n);
    } while (n == 3);

    // then five events went (3 + 2), and exactly the ones at or after the cutoff are left
    assertThat(deleted).containsExactly(3, 2);
    assertThat(await(repo.readAfter(0, 100))).extracting(StoredEvent::id).containsExactly(
        stored.get(2).id(), stored.get(5).id(), stored.get(6).id(), stored.get(7).id(), stored.get(9).id());
    assertThat(await(repo.pruneOlderThan(T0.minus(Duration.ofDays(1)), 100))).isZero();
  }

  @Test
  @DisplayName("Verifies that pruning by count keeps exactly the newest events, in bounded steps")
  void pruneByCount() {
    // given 25 events
    List<StoredEvent> stored = await(repo.append(events(25, T0)));

    // when pruned to 10 with a limit of 4 per call until a call deletes fewer
    List<Integer> deleted = new ArrayList<>();
    int n;
    do {
      n = await(repo.pruneToCount(10, 4));
      deleted.add(n);
    } while (n == 4);

    // then 15 went (4+4+4+3), the newest 10 are left, and pruning again deletes nothing
    assertThat(deleted).containsExactly(4, 4, 4, 3);
    assertThat(await(repo.readAfter(0, 100))).isEqualTo(stored.subList(15, 25));
    assertThat(await(repo.pruneToCount(10, 100))).isZero();
    assertThat(await(repo.pruneToCount(100, 100))).isZero();
    assertThat(await(repo.pruneToCount(0, 100))).isEqualTo(10);
    assertThat(await(repo.readAfter(0, 100))).isEmpty();
  }

  // ------------------------------------------------------------------------------------ helpers

  protected static StoredEvent event(String type, Instant time, String deviceId, String data) {
    return new StoredEvent(0, type, time, deviceId, data);
  }

  /** {@code n} command events one minute apart from {@code start}, numbered in their data. */
  protected static List<StoredEvent> events(int n, Instant start) {
    return IntStream.range(0, n)
        .mapToObj(i -> event("command.queued", start.plus(Duration.ofMinutes(i)), "dev-" + (i % 3),
            "{\"seq\":" + i + "}"))
        .toList();
  }
}
