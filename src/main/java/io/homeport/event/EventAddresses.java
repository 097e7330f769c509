package io.homeport.event;

/** Every event-bus address Homeport uses, in one place. */
public final class EventAddresses {
  private EventAddresses() {}

  /**
   * Domain events (DESIGN.md 2.4) as JSON objects {@code {type, time, deviceId, data}}; published, so
   * every interested verticle (event log, stream, command dispatcher) receives each one.
   */
  public static final String EVENTS = "homeport.events";
}
