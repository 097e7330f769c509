package io.homeport.plugin;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The current plugin set, replaced as a whole by a reload. Users take the set with {@link #use};
 * the replaced set's class loaders close when its last use ends, so a reload never breaks a command
 * in progress and never leaks the old loaders.
 */
public final class PluginRegistry {
  private final PluginLoader loader;
  private final AtomicReference<PluginSet> current;

  public PluginRegistry(PluginLoader loader) {
    this.loader = loader;
    this.current = new AtomicReference<>(new PluginSet(java.util.List.of(), java.util.List.of(), java.util.List.of()));
  }

  /** Loads the directory again and makes the result current. Blocking: call off the event loop. */
  public synchronized PluginSet reload() {
    PluginSet next = loader.load();
    PluginSet previous = current.getAndSet(next);
    previous.release(); // the current-set hold; closes now unless in use
    return next;
  }

  /** Runs {@code work} with the current set held, so its class loaders stay open until it returns. */
  public <T> T use(Function<PluginSet, T> work) {
    while (true) {
      PluginSet set = current.get();
      if (set.acquire()) {
        try {
          return work.apply(set);
        } finally {
          set.release();
        }
      }
    }
  }

  public java.nio.file.Path directory() {
    return loader.directory();
  }

  /** The current set, for listings; do not call plugins through it (use {@link #use}). */
  public PluginSet current() {
    return current.get();
  }
}
