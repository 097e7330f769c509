package io.homeport.rendezvous;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.config.HomeportConfig;
import io.homeport.device.Device;
import io.homeport.device.DeviceState;
import io.homeport.event.DomainEvent;
import io.homeport.refusal.Refusal;
import io.vertx.core.Future;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The session broker without a server or an event loop: in-memory ports, a clock the test moves, and
 * the sweep called by hand.
 */
class RendezvousProcessorTest {
  private static final InetSocketAddress A_PUBLIC = new InetSocketAddress("198.51.100.1", 40001);
  private static final InetSocketAddress A_LAN = new InetSocketAddress("192.168.1.10", 40001);
  private static final InetSocketAddress B_PUBLIC = new InetSocketAddress("198.51.100.2", 40002);
  private static final HomeportConfig.Sessions SETTINGS = new HomeportConfig.Sessions(Duration.ofMinutes(60),
      Duration.ofHours(2), Duration.ofSeconds(30), 0.7, 5);

  private final MovableClock clock = new MovableClock(Instant.parse("2026-12-03T10:00:00Z"));
  private final MemorySessions log = new MemorySessions();
  private final Map<String, PermissionList> lists = new HashMap<>();
  private final Map<String, Device> devices = new HashMap<>();
  private final Map<String, InetSocketAddress> online = new HashMap<>();
  private final List<String> told = new CopyOnWriteArrayList<>();
  private final List<DomainEvent> events = new CopyOnWriteArrayList<>();
  private final PendingSessions pending = new PendingSessions();
  private RendezvousProcessor processor = newProcessor();

  RendezvousProcessorTest() {
    device("a", "alpha");
    device("b", "bravo");
    device("c", null);
    online.put("a", A_PUBLIC);
    online.put("b", B_PUBLIC);
  }

  @Test
  @DisplayName("Verifies that a requester the target's list admits gets an offer, and the target the same id, key and "
      + "expiry with the requester's candidates, after being told")
  void serverModeOffer() {
    // given bravo admitting alpha
    lists.put("b", new PermissionList(PermissionList.Mode.SERVER, List.of("a")));

    // when alpha asks for bravo by name
    RendezvousProcessor.Outcome outcome = done(processor.request("a", "bravo", null, Duration.ZERO));

    // then alpha's offer has bravo's observed endpoint and a fresh 256-bit key, 60 min ahead
    assertThat(outcome).isInstanceOf(RendezvousProcessor.Offered.class);
    SessionNotice.Offer mine = ((RendezvousProcessor.Offered) outcome).offer();
    assertThat(mine.key()).hasSize(32);
    assertThat(mine.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(60)));
    assertThat(mine.role()).isEqualTo(SessionRole.REQUESTER);
    assertThat(mine.peerName()).isEqualTo("bravo");
    assertThat(mine.candidates()).containsExactly(new SessionNotice.Candidate("public", B_PUBLIC));
    // and bravo was told; its hello carries the same session with alpha's candidates, public then LAN
    assertThat(told).contains("b");
    assertThat(pending.hasNews("b")).isTrue();
    SessionNotice.Offer theirs = (SessionNotice.Offer) single(processor.take("b"));
    assertThat(pending.hasNews("b")).isFalse();
    assertThat(theirs.sessionId()).isEqualTo(mine.sessionId());
    assertThat(theirs.key()).isEqualTo(mine.key());
    assertThat(theirs.expiresAt()).isEqualTo(mine.expiresAt());
    assertThat(theirs.role()).isEqualTo(SessionRole.TARGET);
    assertThat(theirs.candidates()).containsExactly(new SessionNotice.Candidate("public", A_PUBLIC),
        new SessionNotice.Candidate("lan", A_LAN));
    // and each device has its own requested and established events
    assertThat(events).extracting(e -> e.type().wireName() + " " + e.deviceId()).containsExactly(
        "session.requested a", "session.requested b", "session.established a", "session.established b");
  }

  @Test
  @DisplayName("Verifies that a refused, unknown and offline peer give the requester the same answer and the log the reason")
  void uniformRefusal() {
    // given bravo admitting nobody, and charlie offline
    lists.put("c", new PermissionList(PermissionList.Mode.SERVER, List.of("a")));

    // when alpha asks for bravo, for a ghost and for charlie
    List<RendezvousProcessor.Outcome> outcomes = List.of(done(processor.request("a", "b", null, Duration.ZERO)),
        done(processor.request("a", "ghost", null, Duration.ZERO)), done(processor.request("a", "c", null, Duration.ZERO)));

    // then each is refused alike, and the log knows why
    assertThat(outcomes).allSatisfy(o -> assertThat(o).isInstanceOf(RendezvousProcessor.Refused.class));
    assertThat(outcomes).extracting(o -> done(processor.find(o.sessionId())).orElseThrow().reason())
        .containsExactly("not-permitted", "unknown-peer", "peer-offline");
    assertThat(told).isEmpty();
    // and naming itself is a bad request, not a refusal
    assertThat(failure(processor.request("a", "alpha", null, Duration.ZERO))).isInstanceOf(Refusal.Invalid.class);
  }

  @Test
  @DisplayName("Verifies that in device mode the target is asked with the requester's id and name, an accept establishes, "
      + "a reject and the consent deadline refuse, and a request answered 'waiting' learns a later refusal once")
  void deviceModeConsent() {
    // given bravo judging by itself
    lists.put("b", new PermissionList(PermissionList.Mode.DEVICE, List.of()));

    // when alpha asks and bravo accepts
    Future<RendezvousProcessor.Outcome> first = processor.request("a", "b", null, Duration.ofSeconds(20));
    SessionNotice.ConsentRequest asked = (SessionNotice.ConsentRequest) single(processor.take("b"));
    assertThat(asked.requesterId()).isEqualTo("a");
    assertThat(asked.requesterName()).isEqualTo("alpha");
    assertThat(first.isComplete()).isFalse();
    done(processor.consent("b", asked.sessionId(), true));
    // then the waiting request gets its offer
    assertThat(done(first)).isInstanceOf(RendezvousProcessor.Offered.class);

    // when alpha asks again and bravo rejects
    Future<RendezvousProcessor.Outcome> second = processor.request("a", "b", null, Duration.ofSeconds(20));
    String secondId = consentRequests(processor.take("b")).get(0).sessionId();
    done(processor.consent("b", secondId, false));
    assertThat(done(second)).isInstanceOf(RendezvousProcessor.Refused.class);

    // when alpha asks a third time without waiting and bravo never answers
    RendezvousProcessor.Outcome third = done(processor.request("a", "b", null, Duration.ZERO));
    assertThat(third).isInstanceOf(RendezvousProcessor.Waiting.class);
    clock.advance(Duration.ofSeconds(31));
    processor.sweep();
    // then it is refused at the deadline, and alpha's next hello says so once
    assertThat(done(processor.find(third.sessionId())).orElseThrow().reason()).isEqualTo("consent-timeout");
    assertThat(processor.take("a")).filteredOn(n -> n instanceof SessionNotice.Refused)
        .extracting(SessionNotice::sessionId).containsExactly(third.sessionId());
    assertThat(processor.take("a")).filteredOn(n -> n instanceof SessionNotice.Refused).isEmpty();
    assertThat(done(processor.find(secondId)).orElseThrow().reason()).isEqualTo("consent-rejected");
  }

  @Test
  @DisplayName("Verifies that extension is refused before 70% of the period, granted after it by one period, and refused "
      + "at the target's maximum")
  void extension() {
    // given a session whose target allows 100 minutes at most
    lists.put("b", new PermissionList(PermissionList.Mode.SERVER, List.of("a"), Duration.ofMinutes(100)));
    String id = established();
    Instant start = clock.instant();

    // when alpha extends after 41 minutes (before 42, 70% of 60)
    clock.advance(Duration.ofMinutes(41));
    assertThat(((Refusal) failure(processor.extend("a", id))).problem()).isEqualTo("extension-too-early");

    // then after 43 minutes it is granted up to the 100-minute cap, and bravo is told
    clock.advance(Duration.ofMinutes(2));
    told.clear();
    Session extended = done(processor.extend("a", id));
    assertThat(extended.expiresAt()).isEqualTo(start.plus(Duration.ofMinutes(100)));
    assertThat(told).containsExactly("b");
    assertThat(((SessionNotice.Offer) single(processor.take("b"))).expiresAt()).isEqualTo(extended.expiresAt());
    // and at the cap, no further extension
    clock.advance(Duration.ofMinutes(50));
    assertThat(((Refusal) failure(processor.extend("b", id))).problem()).isEqualTo("extension-refused");
  }

  @Test
  @DisplayName("Verifies that an end by one side tells the other until it reports, each side reports once, and a device "
      + "outside the session cannot touch it")
  void endByDevice() {
    // given an established session
    lists.put("b", new PermissionList(PermissionList.Mode.SERVER, List.of("a")));
    String id = established();

    // when charlie tries to end it, then alpha ends it
    assertThat(((Refusal) failure(processor.end("c", id, report("x")))).problem()).isEqualTo("session-not-found");
    Session ended = done(processor.end("a", id, report("done")));

    // then it ended by the requester; bravo holds an end notice until it reports
    assertThat(ended.state()).isEqualTo(SessionState.ENDED);
    assertThat(ended.endedBy()).isEqualTo("requester");
    assertThat(processor.take("b")).containsExactly(new SessionNotice.End(id, "done", "requester"));
    done(processor.end("b", id, report("peer-ended")));
    assertThat(processor.take("b")).isEmpty();
    assertThat(done(processor.find(id)).orElseThrow().targetReport().reason()).isEqualTo("peer-ended");
    assertThat(done(processor.find(id)).orElseThrow().key()).isNull();
    assertThat(((Refusal) failure(processor.end("b", id, report("again")))).problem())
        .isEqualTo("session-already-reported");
  }

  @Test
  @DisplayName("Verifies that an operator's end and the expiry end a session for both devices, and an operator cannot "
      + "end one that is not established")
  void operatorEndAndExpiry() {
    // given two established sessions
    lists.put("b", new PermissionList(PermissionList.Mode.SERVER, List.of("a")));
    String byOperator = established();
    String byClock = established();

    // when their hour passes, an operator ends one just before the sweep, and the sweep runs
    clock.advance(Duration.ofMinutes(60));
    done(processor.forceEnd(byOperator, "alice"));
    processor.sweep();

    // then both devices get an end order for each, and the log says who
    for (String device : List.of("a", "b")) {
      assertThat(processor.take(device)).containsExactlyInAnyOrder(new SessionNotice.End(byOperator, "operator", "operator"),
          new SessionNotice.End(byClock, "expired", "server"));
    }
    assertThat(done(processor.find(byOperator)).orElseThrow().operator()).isEqualTo("alice");
    assertThat(((Refusal) failure(processor.forceEnd(byOperator, "alice"))).problem()).isEqualTo("session-not-active");
    assertThat(processor.active()).isZero();
  }

  @Test
  @DisplayName("Verifies that a requester asking too often is refused until the minute is over")
  void rateLimit() {
    // given a limit of 5 per minute
    // when alpha asks six times
    for (int i = 0; i < 5; i++) {
      done(processor.request("a", "b", null, Duration.ZERO));
    }
    // then the sixth is refused as too many, and after a minute it may ask again
    assertThat(failure(processor.request("a", "b", null, Duration.ZERO))).isInstanceOf(Refusal.TooMany.class);
    clock.advance(Duration.ofSeconds(61));
    assertThat(done(processor.request("a", "b", null, Duration.ZERO))).isInstanceOf(RendezvousProcessor.Refused.class);
  }

  @Test
  @DisplayName("Verifies that a restarted processor picks up established sessions from the log and offers them again")
  void restart() {
    // given an established session
    lists.put("b", new PermissionList(PermissionList.Mode.SERVER, List.of("a")));
    String id = established();
    processor.take("b");

    // when a new processor starts on the same log
    processor = newProcessor();
    done(processor.start());

    // then both devices are told again and bravo's hello has the offer
    assertThat(pending.hasNews("b")).isTrue();
    assertThat(single(processor.take("b")).sessionId()).isEqualTo(id);
  }

  // ---- support ----

  private RendezvousProcessor newProcessor() {
    return new RendezvousProcessor(log, new PermissionRepository() {
      @Override
      public Future<Optional<PermissionList>> find(String deviceId) {
        return Future.succeededFuture(Optional.ofNullable(lists.get(deviceId)));
      }

      @Override
      public Future<Void> replace(String deviceId, PermissionList list) {
        lists.put(deviceId, list);
        return Future.succeededFuture();
      }
    }, key -> Future.succeededFuture(Optional.ofNullable(devices.get(key)).or(() ->
        devices.values().stream().filter(d -> key.equals(d.name())).findFirst())),
        new RendezvousProcessor.Peers() {
          @Override
          public InetSocketAddress publicAddress(String deviceId) {
            return online.get(deviceId);
          }

          @Override
          public List<InetSocketAddress> lanEndpoints(String deviceId) {
            return deviceId.equals("a") ? List.of(A_LAN) : List.of();
          }
        }, told::add, pending, events::add, clock, SETTINGS, () -> null,
        TurnIssuer.NONE);
  }

  private String established() {
    RendezvousProcessor.Outcome o = done(processor.request("a", "b", null, Duration.ZERO));
    assertThat(o).isInstanceOf(RendezvousProcessor.Offered.class);
    return o.sessionId();
  }

  private EndReport report(String reason) {
    return new EndReport(reason, 10, 20, "none", clock.instant());
  }

  private void device(String id, String name) {
    devices.put(id, new Device(id, name, null, null, DeviceState.ENROLLED, Instant.EPOCH, Instant.EPOCH, null, "01",
        Instant.MAX, new byte[32]));
  }

  private static SessionNotice single(List<SessionNotice> notices) {
    assertThat(notices).hasSize(1);
    return notices.get(0);
  }

  private static List<SessionNotice.ConsentRequest> consentRequests(List<SessionNotice> notices) {
    return notices.stream().filter(n -> n instanceof SessionNotice.ConsentRequest)
        .map(SessionNotice.ConsentRequest.class::cast).toList();
  }

  /** The result of a future the in-memory ports completed already. */
  private static <T> T done(Future<T> f) {
    assertThat(f.isComplete()).as("completed").isTrue();
    if (f.failed()) {
      throw new AssertionError("failed: " + f.cause(), f.cause());
    }
    return f.result();
  }

  private static Throwable failure(Future<?> f) {
    assertThat(f.failed()).as("failed").isTrue();
    return f.cause();
  }

  /** A clock the test moves by hand. */
  private static final class MovableClock extends Clock {
    private Instant now;

    MovableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  /** The session log in memory, with the port's compare-and-set rule. */
  private static final class MemorySessions implements SessionRepository {
    private final Map<String, Session> rows = new HashMap<>();

    @Override
    public synchronized Future<Void> insert(Session session) {
      if (rows.putIfAbsent(session.id(), session) != null) {
        return Future.failedFuture(new Refusal.Duplicate("id", "session " + session.id() + " exists"));
      }
      return Future.succeededFuture();
    }

    @Override
    public synchronized Future<Boolean> update(Session updated, SessionState expected) {
      Session current = rows.get(updated.id());
      if (current == null || current.state() != expected) {
        return Future.succeededFuture(false);
      }
      rows.put(updated.id(), updated);
      return Future.succeededFuture(true);
    }

    @Override
    public synchronized Future<Optional<Session>> find(String id) {
      return Future.succeededFuture(Optional.ofNullable(rows.get(id)));
    }

    @Override
    public synchronized Future<List<Session>> list(SessionQuery query) {
      return Future.succeededFuture(rows.values().stream().sorted(Comparator.comparing(Session::requestedAt).reversed())
          .skip(query.offset()).limit(query.limit()).toList());
    }

    @Override
    public synchronized Future<List<Session>> live() {
      return Future.succeededFuture(new ArrayList<>(rows.values().stream().filter(s -> !s.state().isFinal()).toList()));
    }
  }
}
