package io.homeport.rendezvous;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/** Drives {@link RendezvousProcessor#sweep} on a timer: session expiry, consent deadlines, request waits. */
public final class SessionsVerticle extends VerticleBase {
  private final RendezvousProcessor sessions;
  private final long sweepMillis;

  public SessionsVerticle(RendezvousProcessor sessions, long sweepMillis) {
    this.sessions = sessions;
    this.sweepMillis = sweepMillis;
  }

  @Override
  public Future<?> start() {
    vertx.setPeriodic(sweepMillis, id -> sessions.sweep());
    return Future.succeededFuture();
  }
}
