package io.homeport.presence;

import io.homeport.event.DeviceEvent;
import io.homeport.event.EventPublisher;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns presence changes into {@code device.online/address-changed/offline} events and log lines. In a
 * cluster, a device that comes online here while another node still holds it moved here (a balancer sends
 * its keepalives here now): it was online all along, so no {@code device.online} is published, and the
 * other node lets it go without a {@code device.offline}.
 */
public final class PresenceEvents implements PresenceListener {
  private static final Logger LOG = LoggerFactory.getLogger(PresenceEvents.class);

  private final EventPublisher events;
  private final Clock clock;
  private final java.util.function.Predicate<String> heldElsewhere;

  public PresenceEvents(EventPublisher events, Clock clock) {
    this(events, clock, deviceId -> false);
  }

  /** @param heldElsewhere whether another node of the cluster holds the device (see {@link DeviceLocations#heldElsewhere}) */
  public PresenceEvents(EventPublisher events, Clock clock, java.util.function.Predicate<String> heldElsewhere) {
    this.events = events;
    this.clock = clock;
    this.heldElsewhere = heldElsewhere;
  }

  @Override
  public void online(Presence previous, Presence current) {
    if (heldElsewhere.test(current.deviceId())) {
      LOG.info("device {} moved here from another node, at {}", current.deviceId(), current.publicAddressText());
      return;
    }
    LOG.info("device {} online from {}", current.deviceId(), current.publicAddressText());
    events.publish(new DeviceEvent.Online(current.deviceId(), Instant.ofEpochMilli(current.lastSeenMillis()),
        current.publicAddressText()));
  }

  @Override
  public void addressChanged(Presence previous, Presence current) {
    LOG.info("device {} moved from {} to {}", current.deviceId(), previous.publicAddressText(),
        current.publicAddressText());
    events.publish(new DeviceEvent.AddressChanged(current.deviceId(), Instant.ofEpochMilli(current.lastSeenMillis()),
        previous.publicAddressText(), current.publicAddressText()));
  }

  @Override
  public void offline(Presence previous, Presence current) {
    Instant lastSeen = Instant.ofEpochMilli(current.lastSeenMillis());
    LOG.info("device {} offline (last keepalive {})", current.deviceId(), lastSeen);
    events.publish(new DeviceEvent.Offline(current.deviceId(), clock.instant(), lastSeen,
        current.publicAddressText()));
  }
}
