package io.homeport.store;

import static io.homeport.store.StoreFutures.await;
import static io.homeport.store.StoreFutures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.refusal.Refusal;
import io.homeport.rendezvous.EndReport;
import io.homeport.rendezvous.PermissionList.Mode;
import io.homeport.rendezvous.Session;
import io.homeport.rendezvous.SessionQuery;
import io.homeport.rendezvous.SessionRepository;
import io.homeport.rendezvous.SessionRole;
import io.homeport.rendezvous.SessionState;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link SessionRepository} must have, whatever the database. A backend's test
 * extends this class and says how to open an empty store. Instants are whole milliseconds: what a store
 * must keep exactly.
 */
public abstract class SessionRepositoryContract extends StoreContract<SessionRepository> {
  protected SessionRepositoryContract() {}

  /** The suite on the store {@code fixture} opens. */
  protected SessionRepositoryContract(StoreFixture fixture) {
    super(fixture);
  }
  private static final Instant T0 = Instant.parse("2025-03-01T10:00:00.123Z");
  private static final Duration PERIOD = Duration.ofMinutes(10);
  private static final Duration MAX = Duration.ofHours(1);

  @Override
  protected SessionRepository repository(Store opened) {
    return opened.sessions();
  }

  @Test
  void verifiesThatEveryShapeOfASessionIsFoundAsItWasStored() {
    // given sessions in every shape: requested (device mode, with a consent deadline), rejected before any
    // target was found, established with a key, extended twice, and ended by an operator with both reports
    // and the relay's count
    Session requested = Session.requested("s-requested", "a", "alpha", "beta", "b", "beta", Mode.DEVICE, T0,
        T0.plusSeconds(30));
    Session rejected = Session.requested("s-rejected", "a", null, "ghost", null, null, null, T0, null)
        .rejected("unknown-peer", T0.plusMillis(1));
    Session established = established("s-established", "a", "b", T0);
    Session extended = established("s-extended", "a", "b", T0).extended(T0.plusSeconds(300))
        .extended(T0.plusSeconds(900));
    Session ended = established("s-ended", "a", "b", T0)
        .ended("operator", "operator", "alice@example.com", T0.plusSeconds(60))
        .reported(SessionRole.REQUESTER, new EndReport("peer closed", 1234, 5678, "direct", T0.plusSeconds(61)))
        .reported(SessionRole.TARGET, new EndReport("operator", 0, Long.MAX_VALUE, "relay", T0.plusSeconds(62)))
        .relayed(987_654_321L);
    List<Session> shapes = List.of(requested, rejected, established, extended, ended);

    // when each is inserted and looked up by id
    shapes.forEach(s -> await(repo.insert(s)));
    List<Session> found = shapes.stream().map(s -> await(repo.find(s.id())).orElseThrow()).toList();

    // then each is equal to what was stored, field by field and key included; an unknown id finds nothing
    assertThat(found).containsExactlyElementsOf(shapes);
    assertThat(found.get(2).key()).isEqualTo(key());
    assertThat(found.get(3).extensions()).isEqualTo(2);
    assertThat(found.get(4).key()).isNull();
    assertThat(found.get(4).targetReport().bytesReceived()).isEqualTo(Long.MAX_VALUE);
    assertThat(await(repo.find("nobody"))).isEmpty();
  }

  @Test
  void verifiesThatADuplicateInsertIsRefusedAndChangesNothing() {
    // given a stored session s-1
    Session original = requested("s-1", "a", "b", T0);
    await(repo.insert(original));

    // when another session with the same id is inserted
    Throwable duplicate = failure(repo.insert(requested("s-1", "c", "d", T0.plusSeconds(5))));

    // then it is refused as a duplicate id and the original is kept
    assertThat(duplicate).isInstanceOf(Refusal.Duplicate.class).hasMessageContaining("s-1");
    assertThat(((Refusal.Duplicate) duplicate).field()).isEqualTo("id");
    assertThat(await(repo.find("s-1"))).contains(original);
  }

  @Test
  void verifiesThatAnUpdateHappensOnlyFromTheExpectedState() {
    // given a requested session
    Session requested = requested("s-1", "a", "b", T0);
    await(repo.insert(requested));
    Session established = requested.established(key(), PERIOD, T0.plus(MAX), T0.plusSeconds(1));

    // when it is updated expecting the wrong state, and an unknown session is updated
    boolean wrongState = await(repo.update(established, SessionState.ESTABLISHED));
    boolean unknown = await(repo.update(requested("s-unknown", "a", "b", T0), SessionState.REQUESTED));

    // then neither changed anything
    assertThat(wrongState).isFalse();
    assertThat(unknown).isFalse();
    assertThat(await(repo.find("s-1"))).contains(requested);
    assertThat(await(repo.find("s-unknown"))).isEmpty();

    // and when it is updated expecting the state it is in, then the update is stored whole
    assertThat(await(repo.update(established, SessionState.REQUESTED))).isTrue();
    assertThat(await(repo.find("s-1"))).contains(established);
  }

  @Test
  void verifiesThatOfTwoConcurrentTransitionsFromTheSameStateExactlyOneWins() {
    // given ten requested sessions
    List<Session> sessions = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Session s = requested("s-" + i, "a", "b", T0.plusSeconds(i));
      await(repo.insert(s));
      sessions.add(s);
    }

    // when each is, at the same time, established and rejected, both expecting it requested
    // (every update is sent before any result is awaited)
    List<Session> accepts = new ArrayList<>();
    List<Session> refusals = new ArrayList<>();
    List<Future<Boolean>> acceptResults = new ArrayList<>();
    List<Future<Boolean>> refusalResults = new ArrayList<>();
    for (Session s : sessions) {
      Session accept = s.established(key(), PERIOD, T0.plus(MAX), T0.plusSeconds(20));
      Session refusal = s.rejected("consent-rejected", T0.plusSeconds(20));
      accepts.add(accept);
      refusals.add(refusal);
      acceptResults.add(repo.update(accept, SessionState.REQUESTED));
      refusalResults.add(repo.update(refusal, SessionState.REQUESTED));
    }

    // then for each session exactly one of the two won, and the stored session is the winner's
    for (int i = 0; i < sessions.size(); i++) {
      boolean accepted = await(acceptResults.get(i));
      boolean refused = await(refusalResults.get(i));
      assertThat(accepted).as("exactly one transition of %s wins", sessions.get(i).id()).isNotEqualTo(refused);
      assertThat(await(repo.find(sessions.get(i).id()))).contains(accepted ? accepts.get(i) : refusals.get(i));
    }
  }

  @Test
  void verifiesThatAListIsNewestRequestFirstTiesByIdAndPagedByOffsetAndLimit() {
    // given sessions requested at T0, T0+1s (two, ids b and a, inserted in that order) and T0+2s
    await(repo.insert(requested("old", "x", "y", T0)));
    await(repo.insert(requested("b", "x", "y", T0.plusSeconds(1))));
    await(repo.insert(requested("a", "x", "y", T0.plusSeconds(1))));
    await(repo.insert(requested("new", "x", "y", T0.plusSeconds(2))));

    // when the whole log is listed, and pages of it
    // then the newest request comes first, a tie in the order of the ids, and offset and limit cut that order
    assertThat(ids(new SessionQuery(null, null, null, 0, 100))).containsExactly("new", "a", "b", "old");
    assertThat(ids(new SessionQuery(null, null, null, 1, 2))).containsExactly("a", "b");
    assertThat(ids(new SessionQuery(null, null, null, 3, 2))).containsExactly("old");
    assertThat(ids(new SessionQuery(null, null, null, 4, 2))).isEmpty();
  }

  @Test
  void verifiesThatAListIsFilteredByDeviceStateAndVisibleDevices() {
    // given a to b (requested), b to c (established), c to d (rejected), and a request from d naming no device
    await(repo.insert(requested("ab", "a", "b", T0.plusSeconds(4))));
    await(repo.insert(established("bc", "b", "c", T0.plusSeconds(3))));
    await(repo.insert(requested("cd", "c", "d", T0.plusSeconds(2)).rejected("not-permitted", T0.plusSeconds(2))));
    await(repo.insert(Session.requested("d-", "d", null, "ghost", null, null, null, T0.plusSeconds(1), null)
        .rejected("unknown-peer", T0.plusSeconds(1))));

    // when the log is listed by device, by state, by visible devices, and by all three
    // then a device finds the sessions it requested or was asked for
    assertThat(ids(query("b", null, null))).containsExactly("ab", "bc");
    assertThat(ids(query("d", null, null))).containsExactly("cd", "d-");
    assertThat(ids(query("nobody", null, null))).isEmpty();
    // and a state finds the sessions in it
    assertThat(ids(query(null, SessionState.REJECTED, null))).containsExactly("cd", "d-");
    assertThat(ids(query(null, SessionState.ENDED, null))).isEmpty();
    // and visible devices find the sessions with at least one of them on either side; none visible, none found
    assertThat(ids(query(null, null, Set.of("a")))).containsExactly("ab");
    assertThat(ids(query(null, null, Set.of("a", "d")))).containsExactly("ab", "cd", "d-");
    assertThat(ids(query(null, null, Set.of()))).isEmpty();
    // and the filters combine
    assertThat(ids(query("c", SessionState.ESTABLISHED, Set.of("b", "d")))).containsExactly("bc");
    assertThat(ids(query("c", SessionState.REJECTED, Set.of("a")))).isEmpty();
  }

  @Test
  void verifiesThatLiveSessionsAreTheRequestedAndTheEstablished() {
    // given a session in each state
    await(repo.insert(requested("requested", "a", "b", T0)));
    await(repo.insert(established("established", "a", "b", T0.plusSeconds(1))));
    await(repo.insert(established("ended", "a", "b", T0.plusSeconds(2)).ended("expired", "server", null,
        T0.plusSeconds(3))));
    await(repo.insert(requested("rejected", "a", "b", T0.plusSeconds(3)).rejected("peer-offline",
        T0.plusSeconds(3))));

    // when the live sessions are asked for
    List<Session> live = await(repo.live());

    // then they are the requested and the established one, whole
    assertThat(live).containsExactlyInAnyOrder(await(repo.find("requested")).orElseThrow(),
        await(repo.find("established")).orElseThrow());
  }

  @Test
  void verifiesThatDeletingADeviceKeepsItsSessions() {
    // given devices a and b with a session between them
    createDevice("a", T0);
    createDevice("b", T0);
    Session session = established("s-1", "a", "b", T0).ended("peer closed", "requester", null, T0.plusSeconds(9));
    await(repo.insert(session));

    // when a is deleted
    await(store.devices().delete("a", T0.plusSeconds(10)));

    // then the session is still in the log, found by id and by the deleted device
    assertThat(await(repo.find("s-1"))).contains(session);
    assertThat(ids(query("a", null, null))).containsExactly("s-1");
  }

  // ----------------------------------------------------------------------------------- helpers

  private static Session requested(String id, String requester, String target, Instant at) {
    return Session.requested(id, requester, requester + "-name", target, target, target + "-name", Mode.SERVER, at,
        null);
  }

  private static Session established(String id, String requester, String target, Instant at) {
    return requested(id, requester, target, at).established(key(), PERIOD, at.plus(MAX), at.plusMillis(250));
  }

  private static byte[] key() {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) 0xA5);
    key[0] = 0;
    return key;
  }

  private static SessionQuery query(String device, SessionState state, Set<String> visibleTo) {
    return new SessionQuery(device, state, visibleTo, 0, 100);
  }

  private List<String> ids(SessionQuery query) {
    return await(repo.list(query)).stream().map(Session::id).toList();
  }
}
