package io.homeport.store;

import static io.homeport.store.StoreFutures.await;
import static io.homeport.store.StoreFutures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.addresslist.AddressListEntry;
import io.homeport.addresslist.AddressListPublication;
import io.homeport.addresslist.AddressListRepository;
import io.homeport.addresslist.AddressListScope;
import io.homeport.refusal.Refusal;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link AddressListRepository} must have, whatever the database. A backend's test
 * extends this class and says how to open an empty store.
 */
public abstract class AddressListRepositoryContract extends StoreContract<AddressListRepository> {
  protected AddressListRepositoryContract() {}

  /** The suite on the store {@code fixture} opens. */
  protected AddressListRepositoryContract(StoreFixture fixture) {
    super(fixture);
  }
  private static final Instant T0 = Instant.parse("2025-03-01T10:00:00.123Z");
  private static final AddressListScope KITCHEN = AddressListScope.ofGroup("kitchen");
  private static final String PIN_A = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
  private static final String PIN_B = "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=";
  private static final AddressListEntry PINNED = AddressListEntry.pinned("https://app.example:8443/calls", List.of(PIN_A, PIN_B));
  private static final AddressListEntry WEBPKI = AddressListEntry.webPki("https://vendor.example");
  private static final AddressListEntry BEACON = AddressListEntry.unverified("udp://beacon2.example:7400");

  @Override
  protected AddressListRepository repository(Store opened) {
    return opened.addressLists();
  }

  @Test
  void verifiesThatAPublicationIsStoredWholeWithItsEntriesExactlyAndIsTheScopesLatest() {
    // given an empty store
    assertThat(await(repo.latest())).isEmpty();

    // when global is published with three kinds of entries, urgently
    Map<String, AddressListEntry> entries = Map.of("app", PINNED, "vendor", WEBPKI, "homeport:beacon", BEACON);
    AddressListPublication published = await(repo.publish(AddressListScope.GLOBAL, entries, true, T0));

    // then the answer and the stored latest are the same publication, entries read back exactly
    assertThat(published.version()).isPositive();
    assertThat(published).isEqualTo(new AddressListPublication(AddressListScope.GLOBAL, published.version(), T0, true,
        entries));
    assertThat(await(repo.latest())).containsExactly(published);
    assertThat(await(repo.entriesAt(AddressListScope.GLOBAL, published.version()))).isEqualTo(entries);
  }

  @Test
  void verifiesThatVersionsIncreaseOverAllScopesAndRegroupingsAndLatestIsTheNewestPerScope() {
    // given a device, and publications of global, kitchen, global again and a regrouping in between
    createDevice("d1", T0);
    long g1 = await(repo.publish(AddressListScope.GLOBAL, Map.of("app", PINNED), false, T0)).version();
    long k1 = await(repo.publish(KITCHEN, Map.of("app", WEBPKI), false, T0.plusSeconds(1))).version();
    long mark = await(repo.regrouped("d1"));
    AddressListPublication g2 = await(repo.publish(AddressListScope.GLOBAL, Map.of(), false, T0.plusSeconds(2)));

    // then every version is above the one before, and latest holds global's second (empty) list and kitchen's first
    assertThat(List.of(g1, k1, mark, g2.version())).isSorted().doesNotHaveDuplicates();
    assertThat(await(repo.latest())).containsExactlyInAnyOrder(g2,
        new AddressListPublication(KITCHEN, k1, T0.plusSeconds(1), false, Map.of("app", WEBPKI)));
  }

  @Test
  void verifiesThatTheListAScopeHeldAtAnyVersionCanBeReadAgain() {
    // given global published three times, and kitchen once between the second and third
    long v1 = await(repo.publish(AddressListScope.GLOBAL, Map.of("a", PINNED), false, T0)).version();
    long v2 = await(repo.publish(AddressListScope.GLOBAL, Map.of("a", WEBPKI, "b", PINNED), false, T0)).version();
    long k = await(repo.publish(KITCHEN, Map.of("k", WEBPKI), false, T0)).version();
    long v3 = await(repo.publish(AddressListScope.GLOBAL, Map.of(), false, T0)).version();

    // then each version gives the list the scope held then: its newest publication at or below it
    assertThat(await(repo.entriesAt(AddressListScope.GLOBAL, v1 - 1))).isEmpty();
    assertThat(await(repo.entriesAt(AddressListScope.GLOBAL, v1))).isEqualTo(Map.of("a", PINNED));
    assertThat(await(repo.entriesAt(AddressListScope.GLOBAL, v2))).isEqualTo(Map.of("a", WEBPKI, "b", PINNED));
    assertThat(await(repo.entriesAt(AddressListScope.GLOBAL, k))).isEqualTo(Map.of("a", WEBPKI, "b", PINNED));
    assertThat(await(repo.entriesAt(AddressListScope.GLOBAL, v3))).isEmpty();
    assertThat(await(repo.entriesAt(KITCHEN, v2))).isEmpty();
    assertThat(await(repo.entriesAt(KITCHEN, v3 + 10))).isEqualTo(Map.of("k", WEBPKI));
    // and a scope never published is empty at every version
    assertThat(await(repo.entriesAt(AddressListScope.ofGroup("cellar"), v3))).isEmpty();
  }

  @Test
  void verifiesThatConcurrentPublicationsGetDistinctVersionsAndEachIsStoredWhole() {
    // given 8 publications of 50 entries each, started together on two scopes
    List<Future<AddressListPublication>> racing = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String prefix = "p" + i + "-";
      Map<String, AddressListEntry> entries = IntStream.range(0, 50).boxed()
          .collect(Collectors.toMap(n -> prefix + n, n -> WEBPKI));
      racing.add(repo.publish(i % 2 == 0 ? AddressListScope.GLOBAL : KITCHEN, entries, false, T0));
    }

    // when all have completed
    await(Future.all(racing));

    // then their versions are distinct, and each version reads back its own 50 entries
    Set<Long> versions = new TreeSet<>();
    for (Future<AddressListPublication> f : racing) {
      AddressListPublication p = f.result();
      versions.add(p.version());
      assertThat(await(repo.entriesAt(p.scope(), p.version()))).isEqualTo(p.entries()).hasSize(50);
    }
    assertThat(versions).hasSize(8);
    // and each scope's latest is its publication with the highest version
    Map<AddressListScope, Long> newest = new HashMap<>();
    racing.forEach(f -> newest.merge(f.result().scope(), f.result().version(), Math::max));
    assertThat(await(repo.latest())).allSatisfy(p -> assertThat(p.version()).isEqualTo(newest.get(p.scope())));
  }

  @Test
  void verifiesThatARegroupingMarkReplacesTheDevicesOlderOneAndGoesWithTheDevice() {
    // given devices d1 and d2
    createDevice("d1", T0);
    createDevice("d2", T0);

    // when d1 is regrouped twice and d2 once
    long first = await(repo.regrouped("d1"));
    long second = await(repo.regrouped("d1"));
    long other = await(repo.regrouped("d2"));

    // then each device keeps its latest mark
    assertThat(second).isGreaterThan(first);
    assertThat(await(repo.regroupMarks())).isEqualTo(Map.of("d1", second, "d2", other));
    // and a deleted device's mark is gone, and an unknown device is refused as not found
    await(store.devices().delete("d2", T0.plusSeconds(1)));
    assertThat(await(repo.regroupMarks())).isEqualTo(Map.of("d1", second));
    assertThat(failure(repo.regrouped("ghost"))).isInstanceOf(Refusal.NotFound.class);
    assertThat(await(repo.regroupMarks())).isEqualTo(Map.of("d1", second));
  }
}
