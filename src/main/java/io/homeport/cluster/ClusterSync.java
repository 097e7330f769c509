package io.homeport.cluster;

import io.homeport.addresslist.AddressListService;
import io.homeport.command.CommandService;
import io.homeport.device.DeviceService;
import io.homeport.event.AddressListEvent;
import io.homeport.event.CommandEvent;
import io.homeport.event.DeviceEvent;
import io.homeport.event.EventAddresses;
import io.homeport.event.EventType;
import io.homeport.event.LoggedEvent;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster mode (DESIGN 7): keeps what each node holds in memory in step with what the other nodes wrote
 * to the shared store, from the events every node's tailing event log publishes: a device enrolled,
 * revoked or deleted elsewhere (this node's keyring, groups and CRL), an address list published
 * elsewhere, commands queued elsewhere (so the node a device's keepalives reach wakes it at once rather
 * than at its next sweep). Every refresh reads the store and is idempotent, so this node's own events
 * do no harm.
 */
public final class ClusterSync extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterSync.class);

  private final DeviceService devices;
  private final CommandService commands;
  private final AddressListService addressLists;

  public ClusterSync(DeviceService devices, CommandService commands, AddressListService addressLists) {
    this.devices = devices;
    this.commands = commands;
    this.addressLists = addressLists;
  }

  @Override
  public Future<?> start() {
    vertx.eventBus().<LoggedEvent>localConsumer(EventAddresses.EVENTS, msg -> apply(msg.body()));
    return Future.succeededFuture();
  }

  private void apply(LoggedEvent logged) {
    Future<Void> done;
    if (logged.event() instanceof DeviceEvent.Enrolled || logged.event() instanceof DeviceEvent.Revoked) {
      done = devices.refreshFromStore(logged.event().deviceId());
    } else if (logged.event() instanceof AddressListEvent.Published p) {
      done = addressLists.publishedElsewhere(p.scope(), p.version(), p.urgent());
    } else if (logged.event() instanceof CommandEvent c && c.type() == EventType.COMMAND_QUEUED) {
      commands.queuedElsewhere(c.deviceId());
      done = Future.succeededFuture();
    } else {
      return;
    }
    done.onFailure(e -> LOG.warn("cluster: could not apply event {} ({}): {}", logged.id(),
        logged.event().type().wireName(), e.getMessage()));
  }
}
