package io.homeport.testing;

import io.homeport.agent.ConsentPolicy;
import io.homeport.agent.DeviceAgent;
import io.homeport.agent.DeviceBundle;
import io.homeport.agent.SessionHandler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Reference agents in this JVM against a {@link TestServer}: enrolled, named, started and waited for online. */
public final class TestAgents implements AutoCloseable {
  private final TestServer server;
  private final Vertx vertx = Vertx.vertx();
  private final Map<String, DeviceBundle> bundles = new HashMap<>();

  public TestAgents(TestServer server) {
    this.server = server;
  }

  /** Enrolls device {@code id}, names it {@code name} (null for none), runs its agent and waits until it is online. */
  public DeviceAgent start(String id, String name, ConsentPolicy consent) throws Exception {
    return start(id, name, consent, java.util.function.UnaryOperator.identity());
  }

  /** As {@link #start(String, String, ConsentPolicy)}, the agent's bundle changed by {@code route} (a proxy in the path). */
  public DeviceAgent start(String id, String name, ConsentPolicy consent,
      java.util.function.UnaryOperator<DeviceBundle> route) throws Exception {
    return start(id, name, consent, SessionHandler.NO_DATA_PATH, route);
  }

  /** As {@link #start(String, String, ConsentPolicy)}, its sessions handed to {@code sessions} (a data path). */
  public DeviceAgent start(String id, String name, ConsentPolicy consent, SessionHandler sessions) throws Exception {
    return start(id, name, consent, sessions, java.util.function.UnaryOperator.identity());
  }

  private DeviceAgent start(String id, String name, ConsentPolicy consent, SessionHandler sessions,
      java.util.function.UnaryOperator<DeviceBundle> route) throws Exception {
    DeviceBundle bundle = server.enrollDevice(id);
    bundles.put(id, bundle);
    if (name != null) {
      server.admin("PUT", "/api/v1/devices/" + id + "/name", new JsonObject().put("name", name).encode(), 200);
    }
    DeviceAgent agent = new DeviceAgent(route.apply(bundle), Clock.systemUTC(), null, Duration.ZERO)
        .withSessions(sessions, consent);
    vertx.deployVerticle(agent).await(10, TimeUnit.SECONDS);
    server.awaitOnline(id, Duration.ofSeconds(10));
    return agent;
  }

  /** The bundle of a started device, to call the device channel as it. */
  public DeviceBundle bundle(String id) {
    return bundles.get(id);
  }

  /** Sets the target's permission list through the API. */
  public void permit(String targetId, String mode, String... allowed) throws Exception {
    server.admin("PUT", "/api/v1/devices/" + targetId + "/permissions", new JsonObject().put("mode", mode)
        .put("allow", new io.vertx.core.json.JsonArray(java.util.List.of(allowed))).encode(), 200);
  }

  /** {@code requester} asks for a session with {@code peer} (id or name) and gets its offer; fails otherwise. */
  public io.homeport.agent.PeerSession session(DeviceAgent requester, String peer) throws Exception {
    io.homeport.agent.PeerSession offer = requester.requestSession(peer, 0, 10).await(20, TimeUnit.SECONDS).offer();
    if (offer == null) {
      throw new AssertionError("no offer for a session with " + peer);
    }
    return offer;
  }

  /** The session as the API's log shows it. */
  public JsonObject log(String sessionId) throws Exception {
    return server.admin("GET", "/api/v1/sessions/" + sessionId, null, 200);
  }

  @Override
  public void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
