package io.homeport.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.device.DeviceGroups;
import io.homeport.testing.TestEvents;
import io.homeport.event.EventLog;
import io.homeport.testing.TestServer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What happens to a slow consumer that never reads again: its connection does not outlive the grace period. */
class EventStreamCloseGraceTest {
  static final int GRACE_MILLIS = 3_000;

  @TempDir
  Path dir;

  /** The stream alone on its own HTTP server, with a small buffer and a short grace period. */
  static final class StreamVerticle extends VerticleBase {
    final EventLog log;
    final TestServer server;
    EventStreamRoutes routes;
    HttpServer http;

    StreamVerticle(TestServer server) {
      this.server = server;
      this.log = server.server().events();
    }

    @Override
    public Future<?> start() {
      Router router = Router.router(vertx);
      routes = new EventStreamRoutes(vertx, server.server().tokens().verifier(), jti -> false, log, 1_000,
          new DeviceGroups());
      routes.mountOn(router);
      return vertx.createHttpServer(EventStreamRoutes.serverOptions(java.time.Duration.ofMillis(GRACE_MILLIS))).requestHandler(router).listen(0, "127.0.0.1").onSuccess(s -> http = s);
    }
  }

  @Test
  @DisplayName("Verifies that a slow consumer that never reads up to the close frame is disconnected after the grace period")
  void neverReadingConsumerIsDropped() throws Exception {
    try (TestServer server = TestServer.start(dir.resolve("data"))) {
      StreamVerticle stream = new StreamVerticle(server);
      server.vertx().deployVerticle(stream).await(10, TimeUnit.SECONDS);
      EventLog log = server.server().events();

      // given a subscriber that upgrades by hand and then reads nothing
      try (RawWebSocket stalled = RawWebSocket.connect(stream.http.actualPort(), 4096)) {
        assertThat(stalled.handshake(EventStreamRoutes.PATH + "?after=" + log.latestId().await(10, TimeUnit.SECONDS),
            Map.of("Authorization", "Bearer " + server.adminToken())).status()).isEqualTo(101);

        // when events are published until the stream closes it as a slow consumer or, when the server's socket
        // buffer takes longer than the grace period to fill (a loaded machine), the kernel resets it first
        TestServer.await("the subscriber registered", Duration.ofSeconds(5), () -> stream.routes.subscribers() == 1);
        String pad = "x".repeat(300);
        for (int i = 0; stream.routes.slowConsumerCloses() == 0 && stream.routes.subscribers() > 0 && i < 500_000;
            i++) {
          log.publish(TestEvents.withResult("dev-1", Map.of("seq", i, "pad", pad)));
          if (i % 1_000 == 999) {
            log.flush().await(10, TimeUnit.SECONDS);
          }
        }
        System.out.printf("close grace: %d slow-consumer closes%n", stream.routes.slowConsumerCloses());
        TestServer.await("the subscriber gone", Duration.ofSeconds(5), () -> stream.routes.subscribers() == 0);
        // and the grace period passes
        Thread.sleep(GRACE_MILLIS + 1_000);

        // then the connection is gone: reading finds what had reached the client's socket (the frames, and
        // the close frame unless it was still queued behind them) and then the end of the stream at once,
        // not after Vert.x's own 10 s wait for the client's answer to the close frame
        stalled.readTimeout(3_000);
        long t0 = System.nanoTime();
        int frames = 0;
        int closeCode = -1;
        Throwable end = null;
        try {
          while (true) {
            RawWebSocket.Frame f = stalled.readFrame();
            if (f.opcode() == RawWebSocket.Frame.TEXT) {
              frames++;
            } else if (f.opcode() == RawWebSocket.Frame.CLOSE) {
              closeCode = f.closeCode();
            }
          }
        } catch (IOException e) {
          end = e;
        }
        System.out.printf("close grace: %d frames%s, then %s after %d ms of reading%n", frames,
            closeCode < 0 ? "" : " and close " + closeCode, end, (System.nanoTime() - t0) / 1_000_000);
        assertThat(end).isNotInstanceOf(java.net.SocketTimeoutException.class);
        assertThat(closeCode).isIn(-1, 4008);
      }
    }
  }
}
