package io.homeport.addresslist;

import io.homeport.device.DeviceGroups;
import io.homeport.device.DeviceRepository;
import io.homeport.device.GroupsListener;
import io.homeport.event.AddressListEvent;
import io.homeport.event.EventPublisher;
import io.homeport.lifecycle.Lifecycle;
import io.homeport.refusal.Refusal;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Address lists (DESIGN 4): publishing a scope's list, reading it, and each device's effective list.
 *
 * <p>A device's effective list is the global list overlaid by the lists of its groups: a group's entry
 * wins over the global one, and between groups the group whose name sorts first wins. Its version is the
 * highest version among the publications of those scopes and the device's regrouping mark, so it grows
 * with every publication touching the device.
 *
 * <p>Regrouping: a device's list at an older version can be recomputed only for the groups it has now.
 * So every change of a device's groups takes a version of its own (the mark, from the same counter as
 * publications): the device's version grows when it is moved, and a device that holds a version older
 * than its mark gets the whole list instead of a delta, which would be computed for the wrong groups.
 *
 * <p>The newest publication of every scope and every device's mark are kept in memory (loaded at start,
 * updated after each commit), so the effective version of a device, asked for by every keepalive, costs
 * no store access; only deltas read older versions from the store.
 */
public final class AddressListService implements Lifecycle, GroupsListener {
  private static final Logger LOG = LoggerFactory.getLogger(AddressListService.class);

  private final AddressListRepository lists;
  private final DeviceRepository devices;
  private final DeviceGroups groups;
  private final EventPublisher events;
  private final Clock clock;
  private final Map<AddressListScope, AddressListPublication> current = new ConcurrentHashMap<>();
  private final Map<String, Long> marks = new ConcurrentHashMap<>();
  private final List<AddressListListener> listeners = new CopyOnWriteArrayList<>();
  /** The highest version published or marked: a device holding it is current without looking further. */
  private final java.util.concurrent.atomic.AtomicLong newest = new java.util.concurrent.atomic.AtomicLong();
  /** Device-channel fetches by what they were answered: 304, changes, the whole list (for the metrics). */
  private final java.util.concurrent.atomic.LongAdder notModified = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder deltas = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder fullLists = new java.util.concurrent.atomic.LongAdder();

  public AddressListService(AddressListRepository lists, DeviceRepository devices, DeviceGroups groups,
      EventPublisher events, Clock clock) {
    this.lists = lists;
    this.devices = devices;
    this.groups = groups;
    this.events = events;
    this.clock = clock;
  }

  /** Loads the newest publication of every scope and the devices' marks. */
  @Override
  public Future<Void> start() {
    return lists.latest().compose(latest -> {
      latest.forEach(this::remember);
      return lists.regroupMarks();
    }).map(loaded -> {
      marks.putAll(loaded);
      loaded.values().forEach(mark -> newest.accumulateAndGet(mark, Math::max));
      LOG.info("loaded {} address lists and {} regrouping marks", current.size(), marks.size());
      return null;
    });
  }

  /** Reads the newest publication of every scope again (another node of a cluster published one). */
  public Future<Void> reload() {
    return lists.latest().map(latest -> {
      latest.forEach(this::remember);
      return null;
    });
  }

  /**
   * Cluster mode: another node published {@code version} of {@code scope}. Reads the newest lists; an urgent
   * publication is then heard by this node's listeners too, so the devices this node holds are woken.
   */
  public Future<Void> publishedElsewhere(String scope, long version, boolean urgent) {
    // this node's own publications (their events come back from the log too) are known already and were heard
    boolean known = current.values().stream().anyMatch(c -> c.scope().wireName().equals(scope) && c.version() >= version);
    if (known) {
      return Future.succeededFuture();
    }
    return reload().onSuccess(v -> {
      AddressListPublication p = current.values().stream()
          .filter(c -> c.scope().wireName().equals(scope) && c.version() == version).findFirst().orElse(null);
      if (urgent && p != null) {
        listeners.forEach(l -> l.published(p));
      }
    });
  }

  /** Cluster mode: another node regrouped the device, and its list took version {@code mark}. */
  public void regroupedElsewhere(String deviceId, long mark) {
    marks.merge(deviceId, mark, Math::max);
    newest.accumulateAndGet(mark, Math::max);
  }

  /** Adds a listener that hears every urgent publication from now on. */
  public void addListener(AddressListListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  public void removeListener(AddressListListener listener) {
    listeners.remove(listener);
  }

  /**
   * Publishes a new version of the scope's list, replacing the previous one whole.
   *
   * @param scope {@code global} or {@code group:NAME}
   * @return the publication as stored; fails with {@code unknown-scope} or {@code invalid-field},
   *     storing nothing
   */
  public Future<AddressListPublication> publish(String scope, Map<String, AddressListEntry> entries, boolean urgent) {
    AddressListScope parsed;
    try {
      parsed = AddressListScope.parse(scope);
      AddressListRules.check(entries);
    } catch (Refusal e) {
      return Future.failedFuture(e);
    }
    return store(parsed, entries, urgent);
  }

  /**
   * Empties the scope's list: a publication of an empty list, with a version of its own.
   *
   * @return fails with {@code unknown-scope}, or {@code address-list-not-found} for a scope never published
   */
  public Future<AddressListPublication> empty(String scope) {
    return get(scope).compose(existing -> store(existing.scope(), Map.of(), false));
  }

  /** The scope's current list; fails with {@code unknown-scope}, or {@code address-list-not-found}. */
  public Future<AddressListPublication> get(String scope) {
    try {
      AddressListScope parsed = AddressListScope.parse(scope);
      return Optional.ofNullable(current.get(parsed)).map(Future::succeededFuture)
          .orElseGet(() -> Future.failedFuture(new Refusal.NotFound("address-list-not-found",
              "no address list was published for scope '" + parsed.wireName() + "'")));
    } catch (Refusal e) {
      return Future.failedFuture(e);
    }
  }

  /** The current list of every scope ever published, {@code global} first, then the groups by name. */
  public List<AddressListPublication> all() {
    return current.values().stream().sorted((a, b) -> a.scope().compareTo(b.scope())).toList();
  }

  /** The device's effective list; fails with {@code device-not-found}. */
  public Future<EffectiveAddressList> effectiveOf(String deviceId) {
    return devices.findById(deviceId).compose(found -> found.isPresent()
        ? Future.succeededFuture(effective(deviceId))
        : Future.failedFuture(new Refusal.NotFound("device-not-found", "no device with id '" + deviceId + "'")));
  }

  /** The effective list of a device known to exist (one enrolling, one with a certificate). */
  public EffectiveAddressList effective(String deviceId) {
    List<AddressListPublication> touching = touching(deviceId);
    return new EffectiveAddressList(version(deviceId, touching), overlay(touching));
  }

  /** The version of the device's effective list, from memory: what a keepalive answer compares against. */
  public long effectiveVersion(String deviceId) {
    return version(deviceId, touching(deviceId));
  }

  /**
   * Whether a newer list than {@code heldVersion} is published for the device: the keepalive answer's
   * PENDING address-list flag. From memory, and without allocating when the device holds the newest
   * version there is (nearly every keepalive).
   */
  public boolean newerThan(String deviceId, long heldVersion) {
    return heldVersion < newest.get() && heldVersion < effectiveVersion(deviceId);
  }

  /** The highest version published (or taken by a regrouping) so far. */
  public long newestVersion() {
    return newest.get();
  }

  /**
   * Device-channel fetches so far by answer: {@code not-modified}, {@code delta} or {@code full}.
   *
   * @throws IllegalArgumentException for another answer
   */
  public long fetches(String answer) {
    return switch (answer) {
      case "not-modified" -> notModified.sum();
      case "delta" -> deltas.sum();
      case "full" -> fullLists.sum();
      default -> throw new IllegalArgumentException("no such answer: " + answer);
    };
  }

  /** Whether the publication changes the device's list: it is global or names one of the device's groups. */
  public boolean touches(AddressListPublication publication, String deviceId) {
    return publication.scope().equals(AddressListScope.GLOBAL) || groups.of(deviceId).contains(publication.scope().group());
  }

  /**
   * What a device holding version {@code since} of its list needs: nothing when it is current, the
   * changes when its version can be recomputed for its groups, else the whole list (a version of 0, one
   * this server never served, or one older than the device's last regrouping).
   */
  public Future<AddressListUpdate> updateSince(String deviceId, long since) {
    List<AddressListScope> scopes = scopesOf(deviceId);
    List<AddressListPublication> touching = touching(scopes);
    long version = version(deviceId, touching);
    if (since == version) {
      notModified.increment();
      return Future.succeededFuture(new AddressListUpdate.Current(version));
    }
    Map<String, AddressListEntry> now = overlay(touching);
    if (since <= 0 || since > version || since < marks.getOrDefault(deviceId, 0L)) {
      fullLists.increment();
      return Future.succeededFuture(new AddressListUpdate.Full(new EffectiveAddressList(version, now)));
    }
    deltas.increment();
    List<Future<Map<String, AddressListEntry>>> then = scopes.stream().map(scope -> lists.entriesAt(scope, since))
        .toList();
    return Future.all(then).map(all -> delta(overlayLayers(then.stream().map(Future::result).toList()), now, version,
        since));
  }

  /** A device was regrouped: its list is renumbered, so it fetches the list for its new groups whole. */
  @Override
  public Future<Void> groupsChanged(String deviceId, Set<String> newGroups) {
    return lists.regrouped(deviceId).map(mark -> {
      marks.merge(deviceId, mark, Math::max);
      newest.accumulateAndGet(mark, Math::max);
      LOG.info("device {} regrouped: its address list is now version {} or later", deviceId, mark);
      listeners.forEach(l -> l.regrouped(deviceId, mark));
      return (Void) null;
    }).onFailure(e -> LOG.warn("device {} regrouped, but its address-list version could not be renumbered; it gets "
        + "the list of its new groups with the next publication touching it", deviceId, e));
  }

  private Future<AddressListPublication> store(AddressListScope scope, Map<String, AddressListEntry> entries,
      boolean urgent) {
    return lists.publish(scope, entries, urgent, clock.instant()).onSuccess(published -> {
      remember(published);
      LOG.info("address list {} published: version {}, {} entries{}", scope, published.version(),
          published.entries().size(), urgent ? ", urgent" : "");
      events.publish(new AddressListEvent.Published(published.publishedAt(), scope.wireName(), published.version(),
          urgent, published.entries().size()));
      if (urgent) {
        listeners.forEach(l -> l.published(published));
      }
    });
  }

  /** Keeps the publication unless a newer one of its scope is known (concurrent publications may finish out of order). */
  private void remember(AddressListPublication publication) {
    current.merge(publication.scope(), publication, (old, neu) -> neu.version() > old.version() ? neu : old);
    newest.accumulateAndGet(publication.version(), Math::max);
  }

  /** The scopes that make the device's list, lowest precedence first: global, then its groups in reverse name order. */
  private List<AddressListScope> scopesOf(String deviceId) {
    List<AddressListScope> scopes = new ArrayList<>();
    scopes.add(AddressListScope.GLOBAL);
    groups.of(deviceId).stream().sorted((a, b) -> b.compareTo(a)).map(AddressListScope::ofGroup).forEach(scopes::add);
    return scopes;
  }

  private List<AddressListPublication> touching(String deviceId) {
    return touching(scopesOf(deviceId));
  }

  /** The current publications of these scopes, in their order (those never published left out). */
  private List<AddressListPublication> touching(List<AddressListScope> scopes) {
    List<AddressListPublication> out = new ArrayList<>();
    for (AddressListScope scope : scopes) {
      AddressListPublication p = current.get(scope);
      if (p != null) {
        out.add(p);
      }
    }
    return out;
  }

  private long version(String deviceId, List<AddressListPublication> touching) {
    long version = marks.getOrDefault(deviceId, 0L);
    for (AddressListPublication p : touching) {
      version = Math.max(version, p.version());
    }
    return version;
  }

  private static Map<String, AddressListEntry> overlay(List<AddressListPublication> touching) {
    return overlayLayers(touching.stream().<Map<String, AddressListEntry>>map(AddressListPublication::entries).toList());
  }

  /** Lists laid over each other in order: a later layer's entry replaces an earlier one's. */
  private static Map<String, AddressListEntry> overlayLayers(List<Map<String, AddressListEntry>> layers) {
    Map<String, AddressListEntry> out = new HashMap<>();
    layers.forEach(out::putAll);
    return out;
  }

  /** The changes that turn the list {@code then} (at {@code since}) into {@code now} (at {@code version}). */
  private static AddressListUpdate.Delta delta(Map<String, AddressListEntry> then, Map<String, AddressListEntry> now,
      long version, long since) {
    Map<String, AddressListEntry> upserts = new TreeMap<>();
    now.forEach((id, entry) -> {
      if (!entry.equals(then.get(id))) {
        upserts.put(id, entry);
      }
    });
    List<String> removes = then.keySet().stream().filter(id -> !now.containsKey(id)).sorted().toList();
    return new AddressListUpdate.Delta(version, since, upserts, removes);
  }
}
