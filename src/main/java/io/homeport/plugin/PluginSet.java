package io.homeport.plugin;

import java.io.IOException;
import java.net.URLClassLoader;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugins loaded from the directory in one load, with their class loaders. A set in use is
 * counted; once it has been replaced by a reload and its last use has ended, its class loaders are
 * closed, so the old plugin classes can be collected.
 */
public final class PluginSet {
  private static final Logger LOG = LoggerFactory.getLogger(PluginSet.class);

  private final List<LoadedPlugin> loaded;
  private final List<PluginFailure> failed;
  private final List<URLClassLoader> loaders;
  private final AtomicInteger uses = new AtomicInteger(1); // 1 = held as the current set
  private volatile boolean closed;

  PluginSet(List<LoadedPlugin> loaded, List<PluginFailure> failed, List<URLClassLoader> loaders) {
    this.loaded = List.copyOf(loaded);
    this.failed = List.copyOf(failed);
    this.loaders = List.copyOf(loaders);
  }

  public List<LoadedPlugin> loaded() {
    return loaded;
  }

  public List<PluginFailure> failed() {
    return failed;
  }

  public Optional<LoadedPlugin> plugin(String id) {
    return loaded.stream().filter(p -> p.descriptor().id().equals(id)).findFirst();
  }

  /** Takes a use; false when the set is already closed (the caller takes the current set again). */
  boolean acquire() {
    while (true) {
      int n = uses.get();
      if (n == 0) {
        return false;
      }
      if (uses.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  /** Ends a use (or, once, the current-set hold); the last one closes the class loaders. */
  void release() {
    if (uses.decrementAndGet() == 0) {
      closed = true;
      for (URLClassLoader loader : loaders) {
        try {
          loader.close();
        } catch (IOException e) {
          LOG.warn("closing plugin class loader {}: {}", loader.getName(), e.getMessage());
        }
      }
    }
  }

  boolean isClosed() {
    return closed;
  }
}
