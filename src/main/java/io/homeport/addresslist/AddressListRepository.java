package io.homeport.addresslist;

import io.homeport.refusal.Refusal;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Durable address lists: every publication of every scope, each with its whole list, so the list a
 * scope held at any version can be read again (for deltas), and each device's regrouping mark. One
 * counter numbers publications and regroupings alike: each gets a version above every version assigned
 * before it, in the order they commit. The behaviour is pinned down by {@code AddressListRepositoryContract}
 * in the tests, which every implementation runs.
 */
public interface AddressListRepository {

  /**
   * Stores a new version of the scope's list, all or nothing.
   *
   * @param entries the whole list (empty to empty the scope), already checked by {@link AddressListRules}
   * @return the publication as stored, with its version
   */
  Future<AddressListPublication> publish(AddressListScope scope, Map<String, AddressListEntry> entries, boolean urgent,
      Instant at);

  /** The newest publication of every scope ever published, in no particular order. */
  Future<List<AddressListPublication>> latest();

  /**
   * The list the scope held at {@code version}: the entries of its newest publication whose version is at
   * most {@code version}; empty when it had none by then.
   */
  Future<Map<String, AddressListEntry>> entriesAt(AddressListScope scope, long version);

  /**
   * Assigns the next version to a change of the device's groups and keeps it as the device's mark
   * (replacing an older one); the mark goes with the device.
   *
   * @return the mark; fails with {@link Refusal.NotFound} for an unknown device
   */
  Future<Long> regrouped(String deviceId);

  /** Every device's mark, device id to version. */
  Future<Map<String, Long>> regroupMarks();
}
