package io.homeport.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.agent.DeviceAgent;
import io.homeport.agent.DeviceBundle;
import io.homeport.auth.TokenRepository;
import io.homeport.device.DeviceRepository;
import io.homeport.presence.Presence;
import io.homeport.presence.PresenceListener;
import io.homeport.presence.PresenceTable;
import io.homeport.store.Store;
import io.homeport.store.sqlite.SqliteStore;
import io.homeport.testing.TestServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.lang.reflect.InvocationTargetException;
import java.net.InetSocketAddress;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server builder: every part has a default, and a replaced part is the one the running server uses. */
class HomeportServerBuilderTest {

  @Test
  @DisplayName("Verifies that a server built with a counting store, its own presence table and an extra presence "
      + "listener uses all three for a real enrollment and keepalives, and closes the store when it stops")
  void replacedPartsAreUsed(@TempDir Path dir) throws Exception {
    // given a store whose device repository counts its calls, a presence table and a listener of the test's own
    Map<String, AtomicInteger> deviceCalls = new ConcurrentHashMap<>();
    AtomicInteger closes = new AtomicInteger();
    PresenceTable presence = new PresenceTable();
    List<String> heard = new CopyOnWriteArrayList<>();
    PresenceListener listener = new PresenceListener() {
      @Override
      public void online(Presence previous, Presence current) {
        heard.add("online " + current.deviceId() + (previous == null ? " (first time)" : ""));
      }
    };
    TestServer server = TestServer.start(TestServer.config(dir.resolve("data"), Map.of()), builder -> builder
        .store((vertx, config) -> SqliteStore.open(vertx, config.dataDir().resolve("counted.db"))
            .map(sqlite -> counting(sqlite, deviceCalls, closes)))
        .presence(presence)
        .addPresenceListener(listener));
    Vertx agentVertx = Vertx.vertx();
    try {
      // when a device is created and enrolled through the API and the device channel, and its agent runs
      DeviceBundle bundle = server.enrollDevice("built-1");
      agentVertx.deployVerticle(new DeviceAgent(bundle, Clock.systemUTC(), null, Duration.ZERO))
          .await(10, TimeUnit.SECONDS);
      server.awaitOnline("built-1", Duration.ofSeconds(10));

      // then the server stored the device through the replaced store, in the file it chose
      assertThat(deviceCalls.get("create")).as("device creations through the counting store").hasValue(1);
      assertThat(deviceCalls.get("enroll")).as("enrollments through the counting store").hasValue(1);
      assertThat(dir.resolve("data").resolve("counted.db")).exists();
      assertThat(dir.resolve("data").resolve(HomeportServer.DATABASE_FILE)).doesNotExist();
      // and the presence it reports is the test's table, which heard the device come online
      assertThat(server.server().presence()).isSameAs(presence);
      assertThat(presence.get("built-1")).get().extracting(Presence::online).isEqualTo(true);
      TestServer.await("the listener heard it", Duration.ofSeconds(5), () -> !heard.isEmpty());
      assertThat(heard).containsExactly("online built-1 (first time)");
      // and the API answers from the same table
      assertThat(server.presence("built-1").getBoolean("online")).isTrue();
    } finally {
      agentVertx.close().await(10, TimeUnit.SECONDS);
      server.close();
    }
    // and stopping the server closed the replaced store, once, and took its listeners off the table
    assertThat(closes).hasValue(1);
    presence.accept("after-stop", new InetSocketAddress("198.18.0.2", 4000), 1, 0, 25);
    assertThat(heard).containsExactly("online built-1 (first time)");
  }

  @Test
  @DisplayName("Verifies that when a part fails to start, the server fails with the reason and stops every part "
      + "that had started, in reverse order, the store last")
  void failedPartStopsWhatStarted(@TempDir Path dir) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      // given a store whose token repository fails, so the token service (started after the event log is
      // deployed and the device service has loaded) cannot start
      AtomicInteger closes = new AtomicInteger();
      TokenRepository broken = (TokenRepository) Proxy.newProxyInstance(TokenRepository.class.getClassLoader(),
          new Class<?>[] {TokenRepository.class},
          (proxy, method, args) -> Future.failedFuture(new IllegalStateException("token table on fire")));
      HomeportServer server = HomeportServer.builder(vertx, TestServer.config(dir.resolve("data"), Map.of()))
          .store((v, config) -> SqliteStore.open(v, config.dataDir().resolve("broken.db"))
              .map(sqlite -> wrap(sqlite, "tokens", broken, closes)))
          .build();

      // when the server starts, then it fails with that reason
      Throwable failure = server.start().transform(ar -> Future.succeededFuture(ar.cause()))
          .await(30, TimeUnit.SECONDS);
      assertThat(failure).hasMessage("token table on fire");
      // and the event log that had been deployed is undeployed again, and the store is closed
      assertThat(vertx.deploymentIDs()).isEmpty();
      assertThat(closes).hasValue(1);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** The store, with its device repository counting calls by method name and its close counted. */
  private static Store counting(Store store, Map<String, AtomicInteger> deviceCalls, AtomicInteger closes) {
    DeviceRepository devices = (DeviceRepository) Proxy.newProxyInstance(DeviceRepository.class.getClassLoader(),
        new Class<?>[] {DeviceRepository.class}, (proxy, method, args) -> {
          deviceCalls.computeIfAbsent(method.getName(), n -> new AtomicInteger()).incrementAndGet();
          return forward(method, store.devices(), args);
        });
    return wrap(store, "devices", devices, closes);
  }

  /** The store with one repository ({@code accessor}) replaced and its close counted. */
  private static Store wrap(Store store, String accessor, Object repository, AtomicInteger closes) {
    return (Store) Proxy.newProxyInstance(Store.class.getClassLoader(), new Class<?>[] {Store.class},
        (proxy, method, args) -> {
          if (method.getName().equals(accessor)) {
            return repository;
          }
          if (method.getName().equals("close")) {
            closes.incrementAndGet();
          }
          return forward(method, store, args);
        });
  }

  private static Object forward(Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
