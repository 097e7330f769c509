package io.homeport.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.testing.TestEvents;
import io.homeport.event.EventLog;
import io.homeport.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A subscriber that stops reading while the server keeps producing events. */
class EventStreamSlowConsumerTest {
  static final int EVENTS = 200_000;
  static final long MB = 1024 * 1024;
  /** Generous: the 200,000 events pushed weigh about 80 MB as frames; the subscriber may hold 10,000. */
  static final long HEAP_BOUND = 48 * MB;

  @TempDir
  Path dir;

  @Test
  @DisplayName("Verifies that a consumer that stops reading is closed with 4008 while the server's heap stays bounded, "
      + "and resumes with after= without a gap")
  void slowConsumerIsClosedAndMemoryStaysBounded() throws Exception {
    // the subscriber stalls for as long as the push takes, which on a loaded machine exceeds the default 30 s
    // after which the kernel resets a connection that takes nothing
    try (TestServer server = TestServer.start(TestServer.config(dir.resolve("data"),
        Map.of("HOMEPORT_EVENTS_STREAM_STALL_TIMEOUT", "10m")))) {
      EventLog log = server.server().events();
      int limit = server.server().config().events().streamBufferEvents();
      log.flush().await(10, TimeUnit.SECONDS);
      long start = log.latestId().await(10, TimeUnit.SECONDS);

      // given a subscriber that upgrades by hand with a 4 KB receive buffer and then reads nothing
      try (RawWebSocket stalled = RawWebSocket.connect(server.server().apiPort(), 4096)) {
        assertThat(stalled.handshake(EventStreamRoutes.PATH + "?after=" + start,
            Map.of("Authorization", "Bearer " + server.adminToken())).status()).isEqualTo(101);
        long heapBefore = usedHeapAfterGc();
        long directBefore = io.netty.util.internal.PlatformDependent.usedDirectMemory();

        // when 200,000 events of about 400 bytes are published, as fast as the log stores them
        String pad = "x".repeat(300);
        long t0 = System.nanoTime();
        long peakHeap = 0;
        for (int i = 0; i < EVENTS; i++) {
          log.publish(TestEvents.withResult("dev-1", Map.of("seq", i, "pad", pad)));
          if (i % 1_000 == 999) {
            while (log.backlog() > 5_000) {
              Thread.sleep(1);
            }
            peakHeap = Math.max(peakHeap, usedHeap());
          }
        }
        log.flush().await(60, TimeUnit.SECONDS);
        long pushMillis = (System.nanoTime() - t0) / 1_000_000;
        Thread.sleep(200); // the last events reach the stream's consumer
        long heapAfter = usedHeapAfterGc();
        long directAfter = io.netty.util.internal.PlatformDependent.usedDirectMemory();
        System.out.printf("slow consumer: %d events pushed in %d ms (%.0f events/s); used heap after GC %d MB before, "
                + "%d MB after (growth %+.1f MB; peak without GC %d MB); Netty direct memory %d MB before, %d MB after%n",
            EVENTS, pushMillis, EVENTS / (pushMillis / 1e3), heapBefore / MB, heapAfter / MB,
            (heapAfter - heapBefore) / (double) MB, peakHeap / MB, directBefore / MB, directAfter / MB);

        // then the server's memory did not grow with what the subscriber did not read
        assertThat(heapAfter - heapBefore).as("heap growth").isLessThan(HEAP_BOUND);
        if (directBefore >= 0) {
          assertThat(directAfter - directBefore).as("direct memory growth").isLessThan(HEAP_BOUND);
        }

        // and reading now, the subscriber finds events in order, then a close frame 4008 naming the last one
        long lastId = start;
        int frames = 0;
        RawWebSocket.Frame f;
        while ((f = stalled.readFrame()).opcode() == RawWebSocket.Frame.TEXT) {
          JsonObject e = new JsonObject(f.text());
          assertThat(e.getLong("id")).isEqualTo(lastId + 1);
          assertThat(TestEvents.result(e).getInteger("seq")).isEqualTo(frames);
          lastId = e.getLong("id");
          frames++;
        }
        assertThat(f.opcode()).isEqualTo(RawWebSocket.Frame.CLOSE);
        assertThat(f.closeCode()).isEqualTo(4008);
        Matcher reason = Pattern.compile("slow consumer; resume with after=(\\d+)").matcher(f.closeReason());
        assertThat(reason.matches()).as(f.closeReason()).isTrue();
        assertThat(Long.parseLong(reason.group(1))).isEqualTo(lastId);
        assertThat(frames).isLessThan(EVENTS / 2);
        System.out.printf("slow consumer: closed with 4008 after %d events had reached its socket (buffer %d)%n",
            frames, limit);

        // and when it resumes with that after=, it receives the rest: every event once, in order
        StreamClient resumed = StreamClient.connect(server.server().apiPort(), "after=" + lastId, server.adminToken());
        int rest = EVENTS - frames;
        TestServer.await("the remaining events", Duration.ofSeconds(120), () -> resumed.count() >= rest);
        for (int i = 0; i < rest; i++) {
          assertThat(TestEvents.result(resumed.events.get(i)).getInteger("seq")).isEqualTo(frames + i);
        }
        resumed.close();
      }
    }
  }

  static long usedHeap() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return usedHeap();
  }
}
