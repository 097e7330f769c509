package io.homeport.rendezvous;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;

/**
 * The session operations devices and operators ask for (DESIGN 5), as the device channel and the API
 * reach them: on one node the local {@link RendezvousProcessor}; in a cluster the processor of the node
 * that brokers sessions, wherever the request arrived. Failures are {@link io.homeport.refusal.Refusal}s
 * as the processor gives them.
 */
public interface SessionBroker {

  /** @see RendezvousProcessor#request */
  Future<RendezvousProcessor.Outcome> request(String requesterId, String peer, Duration duration, Duration wait);

  /** @return the session's state after the answer; see {@link RendezvousProcessor#consent} */
  Future<SessionState> consent(String deviceId, String sessionId, boolean accept);

  /** @return the device's offer with the new expiry; see {@link RendezvousProcessor#extend} */
  Future<SessionNotice.Offer> extend(String deviceId, String sessionId);

  /** @return the session's state after the report; see {@link RendezvousProcessor#end} */
  Future<SessionState> end(String deviceId, String sessionId, EndReport report);

  /** The device's notices for its hello answer; see {@link RendezvousProcessor#take}. */
  Future<List<SessionNotice>> take(String deviceId);

  /** @see RendezvousProcessor#forceEnd */
  Future<Void> forceEnd(String sessionId, String operatorSubject);

  /** The broker of a server that is not clustered: this node's processor. */
  static SessionBroker local(RendezvousProcessor processor) {
    return new SessionBroker() {
      @Override
      public Future<RendezvousProcessor.Outcome> request(String requesterId, String peer, Duration duration,
          Duration wait) {
        return processor.request(requesterId, peer, duration, wait);
      }

      @Override
      public Future<SessionState> consent(String deviceId, String sessionId, boolean accept) {
        return processor.consent(deviceId, sessionId, accept).map(Session::state);
      }

      @Override
      public Future<SessionNotice.Offer> extend(String deviceId, String sessionId) {
        return processor.extend(deviceId, sessionId).map(s -> processor.offerFor(s, deviceId));
      }

      @Override
      public Future<SessionState> end(String deviceId, String sessionId, EndReport report) {
        return processor.end(deviceId, sessionId, report).map(Session::state);
      }

      @Override
      public Future<List<SessionNotice>> take(String deviceId) {
        return Future.succeededFuture(processor.take(deviceId));
      }

      @Override
      public Future<Void> forceEnd(String sessionId, String operatorSubject) {
        return processor.forceEnd(sessionId, operatorSubject).mapEmpty();
      }
    };
  }
}
