package io.homeport.event;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;

/**
 * The durable event log (DESIGN.md 2.4): every domain event with a store-assigned id. Ids increase in
 * the order events are appended and are never reused, also after the events that had them were pruned.
 *
 * <p>Times are kept in whole milliseconds; {@code data} must be a JSON object. Null arguments throw
 * {@link NullPointerException}; a negative id, limit or count fails the returned future with {@link
 * IllegalArgumentException}; every other failure is reported through the returned future. The
 * behaviour is pinned down by {@code EventRepositoryContract} in the tests, which every implementation
 * runs.
 */
public interface EventRepository {

  /**
   * Stores the events in one transaction, in list order: all of them or, on failure, none. The ids of
   * the given events are ignored.
   *
   * @return the events as stored, in the same order, each with its id; ids are increasing and greater
   *     than every id assigned before
   */
  Future<List<StoredEvent>> append(List<StoredEvent> events);

  /** Up to {@code limit} stored events with an id greater than {@code afterId}, in id order. */
  Future<List<StoredEvent>> readAfter(long afterId, int limit);

  /** The greatest id ever assigned, 0 before the first append; pruning does not lower it. */
  Future<Long> latestId();

  /**
   * Deletes up to {@code limit} of the events whose time is before {@code cutoff} (oldest first).
   *
   * @return how many were deleted; fewer than {@code limit} means none older than the cutoff is left
   */
  Future<Integer> pruneOlderThan(Instant cutoff, int limit);

  /**
   * Deletes up to {@code limit} of the oldest events beyond the newest {@code keep}.
   *
   * @return how many were deleted; fewer than {@code limit} means at most {@code keep} are left
   */
  Future<Integer> pruneToCount(long keep, int limit);
}
