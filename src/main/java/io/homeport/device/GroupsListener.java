package io.homeport.device;

import io.vertx.core.Future;
import java.util.Set;

/**
 * Hears that an existing device's groups were replaced, once the store holds the change (address lists
 * renumber the device's list). The change stands whatever the listener's future says: a listener reports
 * its own failures.
 */
@FunctionalInterface
public interface GroupsListener {
  /** @return completes when the listener has done its part; the operator's request waits for it */
  Future<Void> groupsChanged(String deviceId, Set<String> groups);
}
