package io.homeport.store;

import static io.homeport.store.StoreFutures.await;
import static io.homeport.store.StoreFutures.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.homeport.refusal.Refusal;
import io.homeport.rendezvous.PermissionList;
import io.homeport.rendezvous.PermissionList.Mode;
import io.homeport.rendezvous.PermissionRepository;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link PermissionRepository} must have, whatever the database. A backend's test
 * extends this class and says how to open an empty store.
 */
public abstract class PermissionRepositoryContract extends StoreContract<PermissionRepository> {
  protected PermissionRepositoryContract() {}

  /** The suite on the store {@code fixture} opens. */
  protected PermissionRepositoryContract(StoreFixture fixture) {
    super(fixture);
  }
  private static final Instant T0 = Instant.parse("2025-03-01T10:00:00.123Z");

  @Override
  protected PermissionRepository repository(Store opened) {
    return opened.permissions();
  }

  @Test
  void verifiesThatAListIsStoredWholeInItsOrderAndReplacedWhole() {
    // given devices a, b, c and target t without a list
    for (String id : List.of("t", "a", "b", "c")) {
      createDevice(id, T0);
    }
    assertThat(await(repo.find("t"))).isEmpty();

    // when t's list is set to c, a (server mode), then replaced by b alone (device mode)
    await(repo.replace("t", new PermissionList(Mode.SERVER, List.of("c", "a"))));
    PermissionList first = await(repo.find("t")).orElseThrow();
    await(repo.replace("t", new PermissionList(Mode.DEVICE, List.of("b"))));

    // then each read gives the whole list in the order written, the second replacing the first
    assertThat(first).isEqualTo(new PermissionList(Mode.SERVER, List.of("c", "a")));
    assertThat(await(repo.find("t"))).contains(new PermissionList(Mode.DEVICE, List.of("b")));
    // and an empty list is a list (nobody admitted), not the absence of one
    await(repo.replace("t", new PermissionList(Mode.SERVER, List.of())));
    assertThat(await(repo.find("t"))).contains(new PermissionList(Mode.SERVER, List.of()));
  }

  @Test
  void verifiesThatAListsMaximumSessionDurationIsKeptInWholeSecondsAndAbsentStaysAbsent() {
    // given target t and device a
    createDevice("t", T0);
    createDevice("a", T0);

    // when t's list is written with a maximum of 90 minutes and 1 second, then replaced by one without
    await(repo.replace("t", new PermissionList(Mode.DEVICE, List.of("a"), Duration.ofMinutes(90).plusSeconds(1))));
    PermissionList limited = await(repo.find("t")).orElseThrow();
    await(repo.replace("t", new PermissionList(Mode.DEVICE, List.of("a"))));

    // then the maximum is read back exactly, and the list without one has none
    assertThat(limited).isEqualTo(new PermissionList(Mode.DEVICE, List.of("a"), Duration.ofSeconds(5401)));
    assertThat(await(repo.find("t")).orElseThrow().maxDuration()).isNull();
    // and a maximum finer than whole seconds is refused before anything is written
    assertThatIllegalArgumentException().isThrownBy(() -> repo.replace("t",
        new PermissionList(Mode.SERVER, List.of(), Duration.ofMillis(1500))));
    assertThat(await(repo.find("t"))).contains(new PermissionList(Mode.DEVICE, List.of("a")));
  }

  @Test
  void verifiesThatAnUnknownTargetOrEntryIsRefusedAndChangesNothing() {
    // given target t with the list [a]
    createDevice("t", T0);
    createDevice("a", T0);
    await(repo.replace("t", new PermissionList(Mode.SERVER, List.of("a"))));

    // when a list naming an unknown device is written for t, and a list for an unknown target
    Throwable unknownEntry = failure(repo.replace("t", new PermissionList(Mode.DEVICE, List.of("a", "ghost"))));
    Throwable unknownTarget = failure(repo.replace("nobody", new PermissionList(Mode.SERVER, List.of("a"))));

    // then both are refused as not found and nothing changed
    assertThat(unknownEntry).isInstanceOf(Refusal.NotFound.class);
    assertThat(unknownTarget).isInstanceOf(Refusal.NotFound.class);
    assertThat(await(repo.find("t"))).contains(new PermissionList(Mode.SERVER, List.of("a")));
    assertThat(await(repo.find("nobody"))).isEmpty();
  }

  @Test
  void verifiesThatADeletedDeviceTakesItsListAndItsEntriesInOtherListsWithIt() {
    // given t admitting a and b, and a admitting t
    for (String id : List.of("t", "a", "b")) {
      createDevice(id, T0);
    }
    await(repo.replace("t", new PermissionList(Mode.SERVER, List.of("a", "b"))));
    await(repo.replace("a", new PermissionList(Mode.SERVER, List.of("t"))));

    // when a is deleted
    await(store.devices().delete("a", T0.plusSeconds(1)));

    // then t's list admits b alone, and a's own list is gone
    assertThat(await(repo.find("t"))).contains(new PermissionList(Mode.SERVER, List.of("b")));
    assertThat(await(repo.find("a"))).isEmpty();
  }
}
