package io.homeport.lifecycle;

import io.vertx.core.Future;

/**
 * A part of the server that is not a verticle but has work to do when the server starts or stops
 * (load its state from the store, close a pool). The server builder starts the parts in the order it
 * assembles them and stops them in reverse order, verticles included.
 */
public interface Lifecycle {

  /** Gets the part ready to serve; the server starts the next part once this future succeeds. */
  Future<Void> start();

  /** Releases what {@link #start} acquired; by default nothing. Called once, also after a failed start. */
  default Future<Void> stop() {
    return Future.succeededFuture();
  }
}
