package io.homeport.event;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * A domain event after the {@link EventLog} stored it: the typed event for consumers in this process
 * and its stored form (id, wire JSON) for the event stream. This is the body of every message on
 * {@link EventAddresses#EVENTS}.
 */
public record LoggedEvent(StoredEvent stored, DomainEvent event) {
  public LoggedEvent {
    Objects.requireNonNull(stored, "stored");
    Objects.requireNonNull(event, "event");
  }

  /** The store-assigned id: increasing, never reused. */
  public long id() {
    return stored.id();
  }

  /** The wire form {@code {id, type, time, deviceId, data}} of DESIGN.md 2.4. */
  public JsonObject toJson() {
    return stored.toJson();
  }

  /**
   * Lets {@link LoggedEvent}s travel on this Vert.x instance's event bus (idempotent). They are
   * delivered as the same immutable object to local consumers; they never leave the process.
   */
  static void registerCodec(Vertx vertx) {
    try {
      vertx.eventBus().registerDefaultCodec(LoggedEvent.class, LocalCodec.INSTANCE);
    } catch (IllegalStateException alreadyRegistered) {
      // another server on the same Vert.x instance registered it; the codec is stateless
    }
  }

  /** Local delivery only: records are immutable, so the same object is handed to every consumer. */
  private static final class LocalCodec implements MessageCodec<LoggedEvent, LoggedEvent> {
    static final LocalCodec INSTANCE = new LocalCodec();

    @Override
    public void encodeToWire(Buffer buffer, LoggedEvent event) {
      throw new IllegalStateException("domain events are published on the local event bus only");
    }

    @Override
    public LoggedEvent decodeFromWire(int pos, Buffer buffer) {
      throw new IllegalStateException("domain events are published on the local event bus only");
    }

    @Override
    public LoggedEvent transform(LoggedEvent event) {
      return event;
    }

    @Override
    public String name() {
      return "homeport-logged-event";
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
