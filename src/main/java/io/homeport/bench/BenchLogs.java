package io.homeport.bench;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/**
 * Keeps Homeport's per-device and per-command INFO lines off the console while a bench runs (and off the
 * standard output where {@code homeport admin rotate-token} prints the new token).
 */
public final class BenchLogs {
  private BenchLogs() {}

  /**
   * At bench rates the console output would cost more than the work measured. Unless HOMEPORT_LOG_LEVEL
   * asks otherwise, Homeport logs only warnings from now on.
   *
   * @return puts the previous level back
   */
  public static Runnable quiet() {
    if (System.getenv("HOMEPORT_LOG_LEVEL") != null
        || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return () -> {};
    }
    Logger logger = context.getLogger("io.homeport");
    Level previous = logger.getLevel();
    logger.setLevel(Level.WARN);
    return () -> logger.setLevel(previous);
  }
}
