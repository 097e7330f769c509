package io.homeport.bench;

/**
 * The servers and the generator a bench starts are separate processes: if the bench is interrupted
 * (Ctrl-C), its finally blocks do not run, so a shutdown hook stops them instead.
 */
final class ChildProcesses {
  private ChildProcesses() {}

  /** Stops {@code process} if this JVM exits first; {@link #release} when it was stopped normally. */
  static Thread stopOnExit(Process process) {
    Thread hook = new Thread(process::destroy, "stop-child-" + process.pid());
    Runtime.getRuntime().addShutdownHook(hook);
    return hook;
  }

  static void release(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
  }
}
