package io.homeport.store;

import static io.homeport.store.StoreFutures.await;
import static io.homeport.store.StoreFutures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.device.Device;
import io.homeport.device.EnrollmentToken;
import io.homeport.refusal.Refusal;
import io.homeport.rendezvous.PermissionList;
import io.homeport.rendezvous.PermissionList.Mode;
import io.homeport.rendezvous.PermissionRepository;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link PermissionRepository} must have, whatever the database. A backend's test
 * extends this class and says how to open an empty store.
 */
public abstract class PermissionRepositoryContract extends StoreContract<PermissionRepository> {
  private static final Instant T0 = Instant.parse("2025-03-01T10:00:00.123Z");

  @Override
  protected PermissionRepository repository(Store opened) {
    return opened.permissions();
  }

  @Test
  void verifiesThatAListIsStoredWholeInItsOrderAndReplacedWhole() {
    // given devices a, b, c and target t without a list
    for (String id : List.of("t", "a", "b", "c")) {
      device(id);
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
  void verifiesThatAnUnknownTargetOrEntryIsRefusedAndChangesNothing() {
    // given target t with the list [a]
    device("t");
    device("a");
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
      device(id);
    }
    await(repo.replace("t", new PermissionList(Mode.SERVER, List.of("a", "b"))));
    await(repo.replace("a", new PermissionList(Mode.SERVER, List.of("t"))));

    // when a is deleted
    await(store.devices().delete("a", T0.plusSeconds(1)));

    // then t's list admits b alone, and a's own list is gone
    assertThat(await(repo.find("t"))).contains(new PermissionList(Mode.SERVER, List.of("b")));
    assertThat(await(repo.find("a"))).isEmpty();
  }

  private void device(String id) {
    await(store.devices().create(Device.pending(id, null, "acme", null, T0),
        new EnrollmentToken(UUID.randomUUID().toString(), id, T0, T0.plusSeconds(3600), null), Set.of()));
  }
}
