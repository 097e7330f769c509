package io.homeport.event;

import java.time.Instant;
import java.util.Objects;

/**
 * The {@code session.*} events. A session concerns two devices, so each transition is published once per
 * device it concerns, with that device as {@link #deviceId()} and the other as {@link #peerId()}: a stream
 * filtered by device, or a token limited to some devices, sees every session of its devices and no other.
 */
public sealed interface SessionEvent extends DomainEvent {

  String sessionId();

  /** {@code requester} or {@code target}: the side {@link #deviceId()} is on. */
  String role();

  /** The other device; null when the request named no device. */
  String peerId();

  /** A device asked for a session (published for the requester, and for the target when there is one). */
  record Requested(String deviceId, Instant time, String sessionId, String role, String peerId, String mode)
      implements SessionEvent {
    public Requested {
      Objects.requireNonNull(deviceId, "deviceId");
      Objects.requireNonNull(time, "time");
      Objects.requireNonNull(sessionId, "sessionId");
    }

    @Override
    public EventType type() {
      return EventType.SESSION_REQUESTED;
    }
  }

  /** Both devices were offered the session. */
  record Established(String deviceId, Instant time, String sessionId, String role, String peerId, Instant expiresAt)
      implements SessionEvent {
    public Established {
      Objects.requireNonNull(deviceId, "deviceId");
      Objects.requireNonNull(time, "time");
      Objects.requireNonNull(sessionId, "sessionId");
      Objects.requireNonNull(expiresAt, "expiresAt");
    }

    @Override
    public EventType type() {
      return EventType.SESSION_ESTABLISHED;
    }
  }

  /** A device extended the session; both sides were told the new expiry. */
  record Extended(String deviceId, Instant time, String sessionId, String role, String peerId, Instant expiresAt,
      String extendedBy) implements SessionEvent {
    public Extended {
      Objects.requireNonNull(deviceId, "deviceId");
      Objects.requireNonNull(time, "time");
      Objects.requireNonNull(sessionId, "sessionId");
      Objects.requireNonNull(expiresAt, "expiresAt");
    }

    @Override
    public EventType type() {
      return EventType.SESSION_EXTENDED;
    }
  }

  /** The session ended: a device ended it, an operator, or the server at its expiry. */
  record Ended(String deviceId, Instant time, String sessionId, String role, String peerId, String reason,
      String endedBy) implements SessionEvent {
    public Ended {
      Objects.requireNonNull(deviceId, "deviceId");
      Objects.requireNonNull(time, "time");
      Objects.requireNonNull(sessionId, "sessionId");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(endedBy, "endedBy");
    }

    @Override
    public EventType type() {
      return EventType.SESSION_ENDED;
    }
  }

  /** The request was refused, with the real reason (the requester was told only that it was refused). */
  record Rejected(String deviceId, Instant time, String sessionId, String role, String peerId, String reason)
      implements SessionEvent {
    public Rejected {
      Objects.requireNonNull(deviceId, "deviceId");
      Objects.requireNonNull(time, "time");
      Objects.requireNonNull(sessionId, "sessionId");
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public EventType type() {
      return EventType.SESSION_REJECTED;
    }
  }
}
