package io.homeport.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.testing.TestEvents;
import io.homeport.event.EventLog;
import io.homeport.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bursts of events through the server's event log to stream subscribers, with a disconnect in the middle. */
class EventStreamResumeTest {
  static final int BURST = 10_000;

  @TempDir
  static Path dir;
  static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(dir.resolve("data"));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  @DisplayName("Verifies that a subscriber that disconnects in the middle of a burst of 10,000 events and resumes "
      + "with after= receives every event exactly once, in order")
  void resumeInTheMiddleOfABurst() throws Exception {
    // given a subscriber from the end of the log that drops its connection (no close frame) after 2,500 events
    EventLog log = server.server().events();
    long start = latest();
    Consumer<WebSocket.Builder> auth = b -> b.header("Authorization", "Bearer " + server.adminToken());
    StreamClient first = StreamClient.connect(port(), "after=" + start, auth, 2_500);

    // when a burst of 10,000 events is published: the first half at once, the second half while the
    // subscriber, reconnected with after=<the last id it received>, is still replaying the log
    long t0 = System.nanoTime();
    publish(log, 0, BURST / 2);
    first.closed.get(30, TimeUnit.SECONDS);
    long resumeAfter = first.lastId(start);
    StreamClient second = StreamClient.connect(port(), "after=" + resumeAfter, auth, Integer.MAX_VALUE);
    publish(log, BURST / 2, BURST);
    TestServer.await("the burst's last event", Duration.ofSeconds(60), () -> lastSeq(second) == BURST - 1);
    long elapsed = System.nanoTime() - t0;

    // then the two connections together received every event of the burst exactly once, in order
    List<JsonObject> all = new ArrayList<>(first.snapshot());
    all.addAll(second.snapshot());
    assertThat(first.count()).isEqualTo(2_500);
    assertThat(all).hasSize(BURST);
    for (int i = 0; i < BURST; i++) {
      assertThat(TestEvents.result(all.get(i)).getInteger("seq")).as("event %d", i).isEqualTo(i);
      assertThat(all.get(i).getLong("id")).isEqualTo(start + 1 + i);
    }
    assertThat(second.events.get(0).getLong("id")).isEqualTo(resumeAfter + 1);
    System.out.printf("event stream resume: %d events stored and delivered over a disconnect and an after=%d "
        + "resume in %d ms (%.0f events/s)%n", BURST, resumeAfter, elapsed / 1_000_000,
        BURST / (elapsed / 1e9));
    second.close();
  }

  @Test
  @DisplayName("Verifies that a burst of 10,000 events reaches live subscribers complete and in order")
  void liveBurst() throws Exception {
    // given two live subscribers, one of them filtering on a device
    EventLog log = server.server().events();
    long start = latest();
    StreamClient all = StreamClient.connect(port(), "after=" + start, server.adminToken());
    StreamClient even = StreamClient.connect(port(), "after=" + start + "&devices=dev-0", server.adminToken());
    Thread.sleep(200); // both are live (nothing to replay)

    // when a burst of 10,000 events is published at once
    long t0 = System.nanoTime();
    publish(log, 0, BURST);
    TestServer.await("the burst's last event", Duration.ofSeconds(60), () -> lastSeq(all) == BURST - 1);
    long elapsed = System.nanoTime() - t0;
    TestServer.await("the device's events", Duration.ofSeconds(60), () -> even.count() == BURST / 2);

    // then both got theirs, in order
    for (int i = 0; i < BURST; i++) {
      assertThat(TestEvents.result(all.events.get(i)).getInteger("seq")).isEqualTo(i);
    }
    for (int i = 0; i < BURST / 2; i++) {
      assertThat(TestEvents.result(even.events.get(i)).getInteger("seq")).isEqualTo(2 * i);
    }
    System.out.printf("event stream live burst: %d events published, stored and delivered in %d ms (%.0f events/s)%n",
        BURST, elapsed / 1_000_000, BURST / (elapsed / 1e9));
    all.close();
    even.close();
  }

  /** Publishes events numbered from..to-1 through the server's event log, as the services do. */
  static void publish(EventLog log, int from, int to) {
    for (int i = from; i < to; i++) {
      log.publish(TestEvents.withResult("dev-" + (i % 2), Map.of("seq", i)));
    }
  }

  static int lastSeq(StreamClient c) {
    List<JsonObject> events = c.snapshot();
    return events.isEmpty() ? -1 : TestEvents.result(events.get(events.size() - 1)).getInteger("seq");
  }

  static int port() {
    return server.server().apiPort();
  }

  static long latest() throws Exception {
    server.server().events().flush().await(10, TimeUnit.SECONDS);
    return server.server().events().latestId().await(10, TimeUnit.SECONDS);
  }
}
