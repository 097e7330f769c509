package io.homeport.rendezvous;

import io.homeport.refusal.Refusal;
import io.vertx.core.Future;
import java.util.Optional;

/**
 * Durable permission lists, one per target device, deleted with it; an entry whose device is deleted
 * goes with that device. The behaviour is pinned down by {@code PermissionRepositoryContract} in the
 * tests, which every implementation runs.
 */
public interface PermissionRepository {

  /** The device's stored list; empty when it has none (or does not exist). */
  Future<Optional<PermissionList>> find(String deviceId);

  /**
   * Replaces the device's list, entries in the given order, in one transaction. Its {@code maxDuration} is
   * kept in whole seconds.
   *
   * @return fails with {@link Refusal.NotFound} when the device or an entry's device does not exist,
   *     changing nothing
   * @throws IllegalArgumentException when {@code maxDuration} is not a whole number of seconds
   */
  Future<Void> replace(String deviceId, PermissionList list);
}
