package io.homeport.agent;

import io.homeport.peer.PeerChannel;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetSocketAddress;

/**
 * Where the agent hands its peer sessions: the data path between the devices plugs in here (hole
 * punching, the encrypted peer channel, the relay: {@link PeerDataPath}). Called on the agent's event
 * loop: implementations must not block it.
 */
public interface SessionHandler {

  /**
   * Called once when the agent has bound its keepalive socket, on the agent's event loop: {@code
   * keepaliveSocket} sends from it (peer frames leave where the NAT mapping towards the server is).
   * The agent's start fails when this fails (a local port that cannot be bound, say).
   */
  default Future<Void> attach(Vertx vertx, PeerChannel.Transport keepaliveSocket) {
    return Future.succeededFuture();
  }

  /** A peer or relay frame that arrived at the keepalive socket (first two bits 01); false when nobody took it. */
  default boolean onPeerDatagram(InetSocketAddress from, byte[] datagram) {
    return false;
  }

  /** What a session carried, for the end report. */
  record Usage(long bytesSent, long bytesReceived, String path) {
    public static final Usage NONE = new Usage(0, 0, "none");
  }

  /** A session was offered; called again with the new {@code expiresAt} after each extension. */
  void offered(PeerSession session);

  /** Whether the session is still in use: the agent extends only sessions in use. */
  boolean inUse(String sessionId);

  /** The session ended (for {@code reason}); stop using it and say what it carried. */
  Usage ended(String sessionId, String reason);

  /** Holds sessions without a data path: in use until they end, nothing carried. For demos and tests. */
  SessionHandler NO_DATA_PATH = new SessionHandler() {
    @Override
    public void offered(PeerSession session) {}

    @Override
    public boolean inUse(String sessionId) {
      return true;
    }

    @Override
    public Usage ended(String sessionId, String reason) {
      return Usage.NONE;
    }
  };
}
