package io.homeport.api;

import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * API requests waiting ({@code ?wait=}) for commands to reach a final state. Used on the API
 * verticle's event loop only; completed from the command events on the event bus.
 */
final class CommandWaiters {
  private final Map<String, List<Promise<Void>>> waiting = new HashMap<>();

  void add(String commandId, Promise<Void> promise) {
    waiting.computeIfAbsent(commandId, k -> new ArrayList<>()).add(promise);
  }

  void remove(String commandId, Promise<Void> promise) {
    List<Promise<Void>> list = waiting.get(commandId);
    if (list != null) {
      list.remove(promise);
      if (list.isEmpty()) {
        waiting.remove(commandId);
      }
    }
  }

  /** The command reached a final state. */
  void finished(String commandId) {
    List<Promise<Void>> list = waiting.remove(commandId);
    if (list != null) {
      list.forEach(p -> p.tryComplete());
    }
  }
}
