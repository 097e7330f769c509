package io.homeport.cluster;

import io.homeport.addresslist.AddressListListener;
import io.homeport.addresslist.AddressListPublication;
import io.homeport.addresslist.AddressListService;
import io.homeport.addresslist.ApplicationWakes;
import io.homeport.device.DeviceGroups;
import io.homeport.event.EventAddresses;
import io.homeport.rendezvous.PendingSessions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster mode (DESIGN 7): what one node learns in memory and every node must know, published on the
 * clustered bus to all of them: session news marked and fetched (the broker's {@link PendingSessions}),
 * application wakes asked for and acknowledged, and regroupings. Every node keeps the marks, so the wake
 * leaves from whichever node holds the device's mapping now (only that node has it online) and a device
 * taken over by another node is still woken there; a hello held on any node is answered at once.
 */
public final class ClusterWork extends VerticleBase implements PendingSessions.Replica, ApplicationWakes.Sharing,
    AddressListListener {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterWork.class);
  static final String ADDRESS = "homeport.cluster.work";

  private final String self;
  private final PendingSessions sessions;
  private final ApplicationWakes wakes;
  private final DeviceGroups groups;
  private final AddressListService addressLists;

  public ClusterWork(String self, PendingSessions sessions, ApplicationWakes wakes, DeviceGroups groups,
      AddressListService addressLists) {
    this.self = self;
    this.sessions = sessions;
    this.wakes = wakes;
    this.groups = groups;
    this.addressLists = addressLists;
  }

  @Override
  public Future<?> start() {
    sessions.replica(this);
    wakes.sharing(this);
    addressLists.addListener(this);
    return vertx.eventBus().<JsonObject>consumer(ADDRESS, msg -> apply(msg.body())).completion();
  }

  @Override
  public Future<?> stop() {
    sessions.replica(PendingSessions.Replica.NONE);
    wakes.sharing(ApplicationWakes.Sharing.NONE);
    addressLists.removeListener(this);
    return Future.succeededFuture();
  }

  @Override
  public void marked(String deviceId, long number) {
    send(new JsonObject().put("t", "news").put("d", deviceId).put("n", number));
  }

  @Override
  public void cleared(String deviceId, long upTo) {
    send(new JsonObject().put("t", "seen").put("d", deviceId).put("n", upTo));
  }

  @Override
  public void held(String deviceId, boolean any) {
    send(new JsonObject().put("t", "held").put("d", deviceId).put("any", any));
  }

  @Override
  public void requested(String deviceId, String applicationServer, long expiresAtMillis) {
    send(new JsonObject().put("t", "app-wake").put("d", deviceId).put("a", applicationServer).put("e", expiresAtMillis));
  }

  @Override
  public void acknowledged(String deviceId, String applicationServer) {
    send(new JsonObject().put("t", "app-ack").put("d", deviceId).put("a", applicationServer));
  }

  @Override
  public void published(AddressListPublication publication) {
    // the other nodes hear of publications from the event log (ClusterSync)
  }

  @Override
  public void regrouped(String deviceId, long mark) {
    send(new JsonObject().put("t", "regrouped").put("d", deviceId).put("m", mark)
        .put("g", new JsonArray(new java.util.ArrayList<>(groups.of(deviceId)))));
  }

  private void send(JsonObject work) {
    vertx.eventBus().publish(ADDRESS, work.put("from", self));
  }

  private void apply(JsonObject work) {
    if (self.equals(work.getString("from"))) {
      return;
    }
    String deviceId = work.getString("d");
    switch (work.getString("t", "")) {
      case "news" -> {
        sessions.markedElsewhere(deviceId, work.getLong("n"));
        // only the node holding the device has it online: the others' beacons send nothing
        vertx.eventBus().send(EventAddresses.WAKE_REQUEST, deviceId);
        vertx.eventBus().publish(EventAddresses.WORK_AVAILABLE, deviceId);
      }
      case "seen" -> sessions.clearedElsewhere(deviceId, work.getLong("n"));
      case "held" -> sessions.heldElsewhere(deviceId, work.getBoolean("any"));
      case "app-wake" -> wakes.heldElsewhere(deviceId, work.getString("a"), work.getLong("e"));
      case "app-ack" -> wakes.acknowledgedElsewhere(deviceId, work.getString("a"));
      case "regrouped" -> {
        Set<String> now = new HashSet<>();
        work.getJsonArray("g").forEach(g -> now.add((String) g));
        groups.set(deviceId, now);
        addressLists.regroupedElsewhere(deviceId, work.getLong("m"));
      }
      default -> LOG.warn("cluster: unknown work {} from node {}", work.getString("t"), work.getString("from"));
    }
  }
}
