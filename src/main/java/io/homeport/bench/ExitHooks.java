package io.homeport.bench;

/**
 * The servers and the generator a bench starts are separate processes, and its temp files may be
 * large: if the bench is interrupted (Ctrl-C, SIGTERM), its finally blocks do not run, so shutdown
 * hooks clean up instead.
 */
final class ExitHooks {
  private ExitHooks() {}

  /** Runs {@code action} if this JVM exits before {@link #remove} is called with the returned hook. */
  static Thread add(String name, Runnable action) {
    Thread hook = new Thread(action, name);
    Runtime.getRuntime().addShutdownHook(hook);
    return hook;
  }

  static Thread stopOnExit(Process process) {
    return add("stop-child-" + process.pid(), process::destroy);
  }

  static void remove(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
  }
}
