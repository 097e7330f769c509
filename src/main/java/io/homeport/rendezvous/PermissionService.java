package io.homeport.rendezvous;

import io.homeport.device.Device;
import io.homeport.device.DeviceRepository;
import io.homeport.refusal.Refusal;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Permission lists as operators and devices see them (DESIGN 5): entries are written as device ids or
 * names, stored as ids (an id wins over a name), and shown with both, so renaming a device never
 * changes whom a list admits.
 */
public final class PermissionService {
  private static final Logger LOG = LoggerFactory.getLogger(PermissionService.class);

  /** One admitted device: its id, and its name at the time of reading (null when it has none). */
  public record Entry(String id, String name) {}

  /** A device's list as shown: the mode, the admitted devices in the order given, the session maximum (null: the server's). */
  public record View(PermissionList.Mode mode, List<Entry> allow, java.time.Duration maxDuration) {}

  private final PermissionRepository permissions;
  private final DeviceRepository devices;

  public PermissionService(PermissionRepository permissions, DeviceRepository devices) {
    this.permissions = permissions;
    this.devices = devices;
  }

  /** The target's list ({@link PermissionList#NONE} when it has none); fails with {@code device-not-found}. */
  public Future<View> get(String targetId) {
    return devices.findById(targetId).compose(target -> target.isEmpty()
        ? Future.failedFuture(deviceNotFound(targetId))
        : permissions.find(targetId).compose(list -> view(list.orElse(PermissionList.NONE))));
  }

  /**
   * Replaces the target's list. Each entry names a device by id or by name; unknown entries refuse the
   * whole list, repeated ones are kept once. In device mode the entries are kept but not consulted: the
   * device is asked for every request.
   *
   * @return the list as stored; fails with {@code invalid-field} (field {@code allow}) for too many or
   *     unknown entries, with {@code device-not-found} for an unknown target, changing nothing
   */
  public Future<View> replace(String targetId, PermissionList.Mode mode, List<String> entries,
      java.time.Duration maxDuration) {
    if (entries.size() > PermissionList.MAX_ENTRIES) {
      return Future.failedFuture(new Refusal.Invalid("invalid-field",
          "'allow' holds " + entries.size() + " entries, at most " + PermissionList.MAX_ENTRIES, "allow"));
    }
    List<Future<String>> resolved = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      resolved.add(resolve(entries.get(i), i));
    }
    return devices.findById(targetId)
        .compose(target -> target.isEmpty() ? Future.failedFuture(deviceNotFound(targetId)) : Future.all(resolved))
        .compose(all -> {
          Set<String> ids = new LinkedHashSet<>();
          resolved.forEach(f -> ids.add(f.result()));
          return permissions.replace(targetId, new PermissionList(mode, List.copyOf(ids), maxDuration))
              .recover(e -> Future.failedFuture(e instanceof Refusal.NotFound // deleted since it was looked up
                  ? new Refusal.NotFound("device-not-found", "device " + targetId
                      + " or a device its list names was deleted meanwhile; nothing was changed")
                  : e));
        })
        .compose(v -> {
          LOG.info("device {}: permission list replaced (mode {}, {} entries)", targetId, mode.wireName(), entries.size());
          return get(targetId);
        });
  }

  /** The id of the device an entry names: the device with that id, else the one with that name. */
  private Future<String> resolve(String entry, int index) {
    return RendezvousProcessor.DeviceLookup.of(devices).find(entry)
        .compose(found -> found.map(d -> Future.succeededFuture(d.id())).orElseGet(() -> Future.failedFuture(
            new Refusal.Invalid("invalid-field", "allow[" + index + "]: no device has the id or name '" + entry + "'",
                "allow"))));
  }

  private Future<View> view(PermissionList list) {
    List<Future<Optional<Device>>> named = list.allow().stream().map(devices::findById).toList();
    return Future.all(named).map(all -> {
      List<Entry> entries = new ArrayList<>();
      for (int i = 0; i < named.size(); i++) {
        String id = list.allow().get(i);
        entries.add(new Entry(id, named.get(i).result().map(Device::name).orElse(null)));
      }
      return new View(list.mode(), List.copyOf(entries), list.maxDuration());
    });
  }

  private static Refusal deviceNotFound(String id) {
    return new Refusal.NotFound("device-not-found", "no device with id '" + id + "'");
  }
}
