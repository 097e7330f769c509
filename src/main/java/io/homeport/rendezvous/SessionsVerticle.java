package io.homeport.rendezvous;

import io.homeport.event.DeviceEvent;
import io.homeport.event.EventAddresses;
import io.homeport.event.LoggedEvent;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * Drives {@link RendezvousProcessor#sweep} on a timer (session expiry, consent deadlines, request waits)
 * and ends the sessions of revoked or deleted devices.
 */
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
    vertx.eventBus().<LoggedEvent>localConsumer(EventAddresses.EVENTS, msg -> {
      if (msg.body().event() instanceof DeviceEvent.Revoked revoked) {
        sessions.deviceRevoked(revoked.deviceId());
      }
    });
    return Future.succeededFuture();
  }
}
