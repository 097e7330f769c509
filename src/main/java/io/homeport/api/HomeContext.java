package io.homeport.api;

import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * The event loop that owns every event-stream subscriber's state (the API verticle's): what touches that
 * state runs there, one thing at a time.
 */
final class HomeContext {
  private final Context context;
  private final Thread thread;

  private HomeContext(Context context, Thread thread) {
    this.context = context;
    this.thread = thread;
  }

  /** The event loop this is called on (a verticle's start). */
  static HomeContext current(Vertx vertx) {
    if (!Context.isOnEventLoopThread()) {
      throw new IllegalStateException("mount the event stream on an event loop, from a verticle's start");
    }
    return new HomeContext(vertx.getOrCreateContext(), Thread.currentThread());
  }

  /**
   * Runs the action at once when on the home event loop thread (every context on it, such as the duplicated
   * contexts of requests and messages, runs one thing at a time), else there.
   */
  void run(Runnable action) {
    if (Thread.currentThread() == thread) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }
}
