package io.homeport.presence;

import io.homeport.event.DeviceEvent;
import io.homeport.event.EventPublisher;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns presence changes into {@code device.online/address-changed/offline} events and log lines. */
public final class PresenceEvents implements PresenceListener {
  private static final Logger LOG = LoggerFactory.getLogger(PresenceEvents.class);

  private final EventPublisher events;
  private final Clock clock;

  public PresenceEvents(EventPublisher events, Clock clock) {
    this.events = events;
    this.clock = clock;
  }

  @Override
  public void online(Presence previous, Presence current) {
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
