package io.homeport.addresslist;

import static io.homeport.store.StoreFutures.await;
import static io.homeport.store.StoreFutures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.device.Device;
import io.homeport.device.DeviceGroups;
import io.homeport.device.EnrollmentToken;
import io.homeport.event.AddressListEvent;
import io.homeport.event.DomainEvent;
import io.homeport.refusal.Refusal;
import io.homeport.store.sqlite.SqliteStore;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The effective list of a device (overlay, precedence, version) and the updates it is sent, on a real store. */
@ExtendWith(VertxExtension.class)
class AddressListServiceTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final String PIN = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
  private static final AddressListEntry GLOBAL_APP = AddressListEntry.webPki("https://global.example");
  private static final AddressListEntry KITCHEN_APP = AddressListEntry.pinned("https://kitchen.example:8443", List.of(PIN));
  private static final AddressListEntry ALPHA_APP = AddressListEntry.webPki("https://alpha.example/api");

  @TempDir Path dir;
  private SqliteStore store;
  private final DeviceGroups groups = new DeviceGroups();
  private final List<DomainEvent> events = new CopyOnWriteArrayList<>();
  private AddressListService lists;

  @BeforeEach
  void open(Vertx vertx) {
    store = await(SqliteStore.open(vertx, dir.resolve("homeport.db")));
    lists = service();
    await(lists.start());
    for (String id : List.of("plain", "cook", "both")) {
      await(store.devices().create(Device.pending(id, null, "acme", null, T0),
          new EnrollmentToken(UUID.randomUUID().toString(), id, T0, T0.plusSeconds(3600), null), Set.of()));
    }
    groups.set("cook", Set.of("kitchen"));
    groups.set("both", Set.of("kitchen", "alpha"));
  }

  @AfterEach
  void close() {
    await(store.close());
  }

  private AddressListService service() {
    return new AddressListService(store.addressLists(), store.devices(), groups, events::add,
        Clock.fixed(T0, ZoneOffset.UTC));
  }

  @Test
  @DisplayName("Verifies that a device's list is global overlaid by its groups, the group sorting first winning, "
      + "and its version is the newest publication touching it")
  void overlayAndPrecedence() {
    // given global {app, shared}, kitchen {shared, app}, alpha {app}
    long g = await(lists.publish("global", Map.of("app", GLOBAL_APP, "shared", GLOBAL_APP), false)).version();
    long k = await(lists.publish("group:kitchen", Map.of("shared", KITCHEN_APP, "app", KITCHEN_APP), false)).version();
    long a = await(lists.publish("group:alpha", Map.of("app", ALPHA_APP), false)).version();

    // when each device's effective list is read
    EffectiveAddressList plain = lists.effective("plain");
    EffectiveAddressList cook = lists.effective("cook");
    EffectiveAddressList both = lists.effective("both");

    // then a device in no group has global; kitchen overrides global; alpha (sorting first) overrides kitchen
    assertThat(plain).isEqualTo(new EffectiveAddressList(g, Map.of("app", GLOBAL_APP, "shared", GLOBAL_APP)));
    assertThat(cook).isEqualTo(new EffectiveAddressList(k, Map.of("app", KITCHEN_APP, "shared", KITCHEN_APP)));
    assertThat(both).isEqualTo(new EffectiveAddressList(a, Map.of("app", ALPHA_APP, "shared", KITCHEN_APP)));
    assertThat(List.copyOf(both.entries().keySet())).as("entries iterate by id").containsExactly("app", "shared");

    // and a publication for another group leaves their versions alone, while a global one raises all
    long cellar = await(lists.publish("group:cellar", Map.of("x", GLOBAL_APP), false)).version();
    assertThat(lists.effectiveVersion("cook")).isEqualTo(k);
    long g2 = await(lists.publish("global", Map.of(), false)).version();
    assertThat(List.of(g, k, a, cellar, g2)).isSorted().doesNotHaveDuplicates();
    for (String device : List.of("plain", "cook", "both")) {
      assertThat(lists.effectiveVersion(device)).as(device).isEqualTo(g2);
    }
    assertThat(lists.effective("plain").entries()).isEmpty();
  }

  @Test
  @DisplayName("Verifies that a device holding an older version gets the changes since, the current one gets nothing, "
      + "and an unknown or missing version gets the whole list")
  void deltas() {
    // given nothing published yet, when a device holding nothing is current at version 0
    assertThat(await(lists.updateSince("cook", 0))).isEqualTo(new AddressListUpdate.Current(0));
    // and the kitchen device held version v1 of {app, old}
    await(lists.publish("global", Map.of("app", GLOBAL_APP, "old", GLOBAL_APP), false));
    long v1 = lists.effectiveVersion("cook");

    // when the kitchen list adds an entry and global drops one and changes another
    await(lists.publish("group:kitchen", Map.of("new", KITCHEN_APP), false));
    long v3 = await(lists.publish("global", Map.of("app", ALPHA_APP), false)).version();

    // then since v1 the device gets exactly the upserts and removes, with the new version
    assertThat(await(lists.updateSince("cook", v1))).isEqualTo(new AddressListUpdate.Delta(v3, v1,
        Map.of("app", ALPHA_APP, "new", KITCHEN_APP), List.of("old")));
    // and at v3 it is current; with nothing held, or a version this server never gave, it gets the whole list
    assertThat(await(lists.updateSince("cook", v3))).isEqualTo(new AddressListUpdate.Current(v3));
    EffectiveAddressList whole = new EffectiveAddressList(v3, Map.of("app", ALPHA_APP, "new", KITCHEN_APP));
    assertThat(await(lists.updateSince("cook", 0))).isEqualTo(new AddressListUpdate.Full(whole));
    assertThat(await(lists.updateSince("cook", v3 + 100))).isEqualTo(new AddressListUpdate.Full(whole));
  }

  @Test
  @DisplayName("Verifies that regrouping a device raises its version and sends it the list of its new groups whole")
  void regrouping() {
    // given the plain device holds the global list, and kitchen has a list of its own published earlier
    await(lists.publish("group:kitchen", Map.of("oven", KITCHEN_APP), false));
    await(lists.publish("global", Map.of("app", GLOBAL_APP), false));
    long held = lists.effectiveVersion("plain");

    // when the plain device is moved into kitchen (membership first, then the listener, as DeviceService does)
    groups.set("plain", Set.of("kitchen"));
    await(lists.groupsChanged("plain", Set.of("kitchen")));

    // then its version grew although no list was published, and it gets its new list whole
    long now = lists.effectiveVersion("plain");
    assertThat(now).isGreaterThan(held);
    assertThat(await(lists.updateSince("plain", held))).isEqualTo(new AddressListUpdate.Full(
        new EffectiveAddressList(now, Map.of("app", GLOBAL_APP, "oven", KITCHEN_APP))));
    // and the mark survives a restart of the service
    AddressListService restarted = service();
    await(restarted.start());
    assertThat(restarted.effectiveVersion("plain")).isEqualTo(now);
    assertThat(restarted.get("group:kitchen").result().entries()).containsOnlyKeys("oven");
  }

  @Test
  @DisplayName("Verifies that an urgent publication reaches the listeners after it is stored, with its event, and others only the event")
  void urgentListenersAndEvents() {
    // given a listener, and a second one added then removed
    List<AddressListPublication> heard = new CopyOnWriteArrayList<>();
    AddressListListener removed = heard::add;
    lists.addListener(p -> heard.add(p));
    lists.addListener(removed);
    lists.removeListener(removed);

    // when global is published urgently, then kitchen not urgently, then kitchen emptied
    AddressListPublication urgent = await(lists.publish("global", Map.of("app", GLOBAL_APP), true));
    AddressListPublication calm = await(lists.publish("group:kitchen", Map.of("app", KITCHEN_APP), false));
    AddressListPublication emptied = await(lists.empty("group:kitchen"));

    // then the listener heard the urgent one once, already readable from the store
    assertThat(heard).containsExactly(urgent);
    assertThat(await(store.addressLists().entriesAt(urgent.scope(), urgent.version()))).containsOnlyKeys("app");
    // and each publication is an event with its scope, version, urgency and entry count
    assertThat(events).containsExactly(
        new AddressListEvent.Published(T0, "global", urgent.version(), true, 1),
        new AddressListEvent.Published(T0, "group:kitchen", calm.version(), false, 1),
        new AddressListEvent.Published(T0, "group:kitchen", emptied.version(), false, 0));
    assertThat(emptied.entries()).isEmpty();
    assertThat(lists.all()).extracting(p -> p.scope().wireName()).containsExactly("global", "group:kitchen");
  }

  @Test
  @DisplayName("Verifies that an unknown scope, a bad entry or too many entries are refused and store nothing")
  void refusals() {
    // given 257 valid entries
    Map<String, AddressListEntry> tooMany = new java.util.HashMap<>();
    for (int i = 0; i < AddressListRules.MAX_ENTRIES + 1; i++) {
      tooMany.put("s" + i, GLOBAL_APP);
    }

    // when bad publications are attempted, and a scope never published is emptied
    Throwable scope = failure(lists.publish("region:eu", Map.of(), false));
    Throwable url = failure(lists.publish("global", Map.of("app", AddressListEntry.webPki("http://plain.example")), false));
    Throwable neither = failure(lists.publish("global", Map.of("app", AddressListEntry.unverified("https://a.example")), false));
    Throwable large = failure(lists.publish("global", tooMany, false));
    Throwable never = failure(lists.empty("group:never"));

    // then each is refused with its reason and field, and nothing was stored or announced
    assertThat(scope).isInstanceOf(Refusal.NotFound.class).extracting(t -> ((Refusal) t).problem()).isEqualTo("unknown-scope");
    assertThat(((Refusal) url).field()).isEqualTo("entries.app.url");
    assertThat(((Refusal) neither).field()).isEqualTo("entries.app");
    assertThat(((Refusal) large).field()).isEqualTo("entries");
    assertThat(((Refusal) never).problem()).isEqualTo("address-list-not-found");
    assertThat(await(store.addressLists().latest())).isEmpty();
    assertThat(events).isEmpty();
  }
}
