package io.homeport.cluster;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.EntryListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.MapEvent;
import com.hazelcast.replicatedmap.ReplicatedMap;
import io.homeport.http.SessionJson;
import io.homeport.lifecycle.Lifecycle;
import io.homeport.presence.DeviceLocations;
import io.homeport.presence.LanEndpoints;
import io.homeport.presence.NatBehaviours;
import io.homeport.presence.Presence;
import io.homeport.presence.PresenceDirectory;
import io.homeport.presence.PresenceListener;
import io.homeport.stun.StunAttributes.NatBehaviour;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clustered device directory (DESIGN 7): device -> the node whose beacon accepted its last keepalive,
 * with the public address, times and LAN endpoints that node holds, in a Hazelcast replicated map (every
 * node keeps a full copy, so reads are local memory reads, fit for the API and the session broker).
 *
 * <p>A node writes its own devices (with what they reported of their NATs): when one comes online or
 * changes address, and all of them again every
 * third of the offline grace; each entry lives for the offline grace, so the entries of a node that died
 * expire with the grace even if nobody purged them (the survivors purge them at once when Hazelcast reports
 * the node gone). When an entry names another node for a device this node holds online, the device has
 * moved (a balancer sends its keepalives elsewhere now): it is no longer online here and this node sends
 * it no more wakes. Writes leave the beacon's event loops for one writer thread: the keepalive path never
 * waits for Hazelcast.
 */
public final class ClusterDirectory implements DeviceLocations, PresenceListener, Lifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterDirectory.class);
  static final String MAP = "homeport.directory";

  private final Vertx vertx;
  private final ReplicatedMap<String, String> map;
  private final ClusterMembers members;
  private final PresenceDirectory local;
  private final LanEndpoints lan;
  private final NatBehaviours nat;
  private final long ttlMillis;
  private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "homeport-directory");
    t.setDaemon(true);
    return t;
  });
  private UUID entryListener;
  private long refreshTimer = -1;

  /** @param grace the offline grace: each entry's lifetime; all entries are written again every third of it */
  public ClusterDirectory(Vertx vertx, HazelcastInstance hazelcast, ClusterMembers members, PresenceDirectory local,
      LanEndpoints lan, NatBehaviours nat, Duration grace) {
    this.nat = nat;
    this.vertx = vertx;
    this.map = hazelcast.getReplicatedMap(MAP);
    this.members = members;
    this.local = local;
    this.lan = lan;
    this.ttlMillis = grace.toMillis();
  }

  @Override
  public Future<Void> start() {
    entryListener = map.addEntryListener(new Moves());
    members.addListener((joined, left) -> {
      if (left != null) {
        writer.execute(() -> purge(left));
      }
    });
    refreshTimer = vertx.setPeriodic(Math.max(1000, ttlMillis / 3), id -> writer.execute(this::refreshAll));
    local.addListener(this);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> stop() {
    local.removeListener(this);
    vertx.cancelTimer(refreshTimer);
    if (entryListener != null) {
      map.removeEntryListener(entryListener);
    }
    writer.shutdown();
    return Future.succeededFuture();
  }

  @Override
  public Optional<Location> find(String deviceId) {
    Optional<Presence> here = local.get(deviceId).filter(Presence::online);
    if (here.isPresent()) {
      return Optional.of(new Location(members.self(), here.get(), lan.of(deviceId), nat.of(deviceId).orElse(null)));
    }
    String entry = map.get(deviceId);
    if (entry == null) {
      return Optional.empty();
    }
    Location l = decode(deviceId, entry);
    // an entry of this node whose device is no longer online here, or of a node that left, is stale
    return l.node().equals(members.self()) || !members.isAlive(l.node()) ? Optional.empty() : Optional.of(l);
  }

  @Override
  public boolean heldElsewhere(String deviceId) {
    String entry = map.get(deviceId);
    if (entry == null) {
      return false;
    }
    String node = new JsonObject(entry).getString("n");
    return !members.self().equals(node) && members.isAlive(node);
  }

  @Override
  public void online(Presence previous, Presence current) {
    writer.execute(() -> publish(current));
  }

  @Override
  public void addressChanged(Presence previous, Presence current) {
    writer.execute(() -> publish(current));
  }

  @Override
  public void offline(Presence previous, Presence current) {
    writer.execute(() -> {
      String entry = map.get(current.deviceId());
      if (entry != null && members.self().equals(new JsonObject(entry).getString("n"))) {
        map.remove(current.deviceId());
      }
    });
  }

  private void publish(Presence p) {
    JsonArray lanEndpoints = new JsonArray();
    lan.of(p.deviceId()).forEach(a -> lanEndpoints.add(SessionJson.address(a)));
    map.put(p.deviceId(), new JsonObject()
        .put("n", members.self())
        .put("a", SessionJson.address(p.publicAddress()))
        .put("s", p.onlineSinceMillis())
        .put("l", p.lastSeenMillis())
        .put("i", p.intervalSeconds())
        .put("lan", lanEndpoints)
        .put("nat", nat.of(p.deviceId()).map(NatBehaviour::packed).orElse(null)).encode(), ttlMillis, TimeUnit.MILLISECONDS);
  }

  private void refreshAll() {
    int n = 0;
    for (String id : local.onlineDevices()) {
      Optional<Presence> p = local.get(id).filter(Presence::online);
      if (p.isPresent()) {
        publish(p.get());
        n++;
      }
    }
    LOG.debug("directory: refreshed {} device(s) of node {}", n, members.self());
  }

  /** Removes the entries of a node that left: its devices are offline until their keepalives reach another node. */
  private void purge(String node) {
    List<String> gone = new ArrayList<>();
    for (Map.Entry<String, String> e : map.entrySet()) {
      if (node.equals(new JsonObject(e.getValue()).getString("n"))) {
        gone.add(e.getKey());
      }
    }
    gone.forEach(id -> map.remove(id));
    LOG.info("directory: node {} left; forgot its {} device(s)", node, gone.size());
  }

  static Location decode(String deviceId, String entry) {
    JsonObject e = new JsonObject(entry);
    List<InetSocketAddress> lanEndpoints = new ArrayList<>();
    e.getJsonArray("lan", new JsonArray()).forEach(a -> lanEndpoints.add(SessionJson.parseAddress((String) a)));
    Presence p = new Presence(deviceId, true, SessionJson.parseAddress(e.getString("a")), e.getLong("s"), e.getLong("l"), 0,
        e.getInteger("i"));
    Long packedNat = e.getLong("nat");
    return new Location(e.getString("n"), p, List.copyOf(lanEndpoints),
        packedNat == null ? null : NatBehaviour.unpack(packedNat));
  }

  /** A device this node holds online now written by another node: it moved there. */
  private final class Moves implements EntryListener<String, String> {
    @Override
    public void entryAdded(EntryEvent<String, String> event) {
      moved(event);
    }

    @Override
    public void entryUpdated(EntryEvent<String, String> event) {
      moved(event);
    }

    private void moved(EntryEvent<String, String> event) {
      String node = new JsonObject(event.getValue()).getString("n");
      if (!members.self().equals(node) && local.get(event.getKey()).map(Presence::online).orElse(false)) {
        local.movedAway(event.getKey());
        LOG.info("device {} moved to node {}: its keepalives reach that node now", event.getKey(), node);
      }
    }

    @Override
    public void entryRemoved(EntryEvent<String, String> event) {}

    @Override
    public void entryEvicted(EntryEvent<String, String> event) {}

    @Override
    public void entryExpired(EntryEvent<String, String> event) {}

    @Override
    public void mapCleared(MapEvent event) {}

    @Override
    public void mapEvicted(MapEvent event) {}
  }
}
