package io.homeport.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import org.slf4j.LoggerFactory;

/** What the fleet and enrollment benches share: quiet logs, heap readings, a throw-away data directory. */
final class BenchSupport {
  private BenchSupport() {}

  /**
   * The server logs a line per device online or enrolled; at bench rates that console output would cost
   * more than the work measured. Unless HOMEPORT_LOG_LEVEL asks otherwise, Homeport logs only warnings.
   *
   * @return puts the previous level back
   */
  static Runnable quietLogs() {
    if (System.getenv("HOMEPORT_LOG_LEVEL") != null
        || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return () -> {};
    }
    ch.qos.logback.classic.Logger logger = context.getLogger("io.homeport");
    Level previous = logger.getLevel();
    logger.setLevel(Level.WARN);
    return () -> logger.setLevel(previous);
  }

  /** Used heap once full collections have settled. */
  static long usedHeapAfterGc() throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(300);
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  static void deleteRecursively(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a temp directory left behind is not worth failing the bench
    }
  }
}
