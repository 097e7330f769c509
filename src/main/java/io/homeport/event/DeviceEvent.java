package io.homeport.event;

import java.time.Instant;
import java.util.Objects;

/** The {@code device.*} events: enrollment, presence, revocation and application-server calls. */
public sealed interface DeviceEvent extends DomainEvent {

  /** The device enrolled (or re-enrolled) and got this certificate. */
  record Enrolled(String deviceId, Instant time, String certificateSerial) implements DeviceEvent {
    public Enrolled {
      Objects.requireNonNull(deviceId, "deviceId");
      Objects.requireNonNull(time, "time");
      Objects.requireNonNull(certificateSerial, "certificateSerial");
    }

    @Override
    public EventType type() {
      return EventType.DEVICE_ENROLLED;
    }
  }

  /** The beacon accepted a keepalive of a device it did not count as online. */
  record Online(String deviceId, Instant time, String publicAddress) implements DeviceEvent {
    public Online {
      Objects.requireNonNull(deviceId, "deviceId");
      Objects.requireNonNull(time, "time");
      Objects.requireNonNull(publicAddress, "publicAddress");
    }

    @Override
    public EventType type() {
      return EventType.DEVICE_ONLINE;
    }
  }

  /** The device's NAT mapping changed while it stayed online. */
  record AddressChanged(String deviceId, Instant time, String previousAddress, String publicAddress)
      implements DeviceEvent {
    public AddressChanged {
      Objects.requireNonNull(deviceId, "deviceId");
      Objects.requireNonNull(time, "time");
      Objects.requireNonNull(previousAddress, "previousAddress");
      Objects.requireNonNull(publicAddress, "publicAddress");
    }

    @Override
    public EventType type() {
      return EventType.DEVICE_ADDRESS_CHANGED;
    }
  }

  /** No keepalive within the grace period, or the device was removed. */
  record Offline(String deviceId, Instant time, Instant lastSeen, String publicAddress) implements DeviceEvent {
    public Offline {
      Objects.requireNonNull(deviceId, "deviceId");
      Objects.requireNonNull(time, "time");
      Objects.requireNonNull(lastSeen, "lastSeen");
      Objects.requireNonNull(publicAddress, "publicAddress");
    }

    @Override
    public EventType type() {
      return EventType.DEVICE_OFFLINE;
    }
  }

  /** The device was revoked, or deleted ({@code deleted}); its credentials stop working at once. */
  record Revoked(String deviceId, Instant time, boolean deleted) implements DeviceEvent {
    public Revoked {
      Objects.requireNonNull(deviceId, "deviceId");
      Objects.requireNonNull(time, "time");
    }

    @Override
    public EventType type() {
      return EventType.DEVICE_REVOKED;
    }
  }

  /** The device called the application server a wake named, and reported it done (DESIGN 4). */
  record ApplicationWoken(String deviceId, Instant time, String applicationServer) implements DeviceEvent {
    public ApplicationWoken {
      Objects.requireNonNull(deviceId, "deviceId");
      Objects.requireNonNull(time, "time");
      Objects.requireNonNull(applicationServer, "applicationServer");
    }

    @Override
    public EventType type() {
      return EventType.DEVICE_APPLICATION_WOKEN;
    }
  }

  /**
   * An application wake came to nothing: the device reported why (the server not in its list, refused by
   * its pins, unreachable, ...), or the wake expired unacknowledged ({@code wake-expired}).
   *
   * @param reason a short machine-readable reason
   * @param detail what happened, for people; may be empty
   */
  record ApplicationFailed(String deviceId, Instant time, String applicationServer, String reason, String detail)
      implements DeviceEvent {
    public ApplicationFailed {
      Objects.requireNonNull(deviceId, "deviceId");
      Objects.requireNonNull(time, "time");
      Objects.requireNonNull(applicationServer, "applicationServer");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }

    @Override
    public EventType type() {
      return EventType.DEVICE_APPLICATION_FAILED;
    }
  }
}
