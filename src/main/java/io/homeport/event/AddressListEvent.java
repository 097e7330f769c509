package io.homeport.event;

import java.time.Instant;
import java.util.Objects;

/** The {@code addresslist.*} events: about a list, not a device ({@link #deviceId()} is null). */
public sealed interface AddressListEvent extends DomainEvent {

  /**
   * A new version of a scope's list was stored ({@code DELETE} publishes an empty one).
   *
   * @param scope {@code global} or {@code group:NAME}
   * @param entries how many entries the list holds
   */
  record Published(Instant time, String scope, long version, boolean urgent, int entries) implements AddressListEvent {
    public Published {
      Objects.requireNonNull(time, "time");
      Objects.requireNonNull(scope, "scope");
    }

    @Override
    public EventType type() {
      return EventType.ADDRESSLIST_PUBLISHED;
    }

    @Override
    public String deviceId() {
      return null;
    }
  }
}
