package io.homeport.event;

/** Every event-bus address Homeport uses, in one place. */
public final class EventAddresses {
  private EventAddresses() {}

  /**
   * Domain events (DESIGN.md 2.4) as {@link LoggedEvent}s (typed event, id and wire JSON), published by
   * the {@link EventLog} once stored, in id order; every interested verticle (event stream, command
   * waiters, beacon, metrics) receives each one. Local to the process.
   */
  public static final String EVENTS = "homeport.events";

  /** Point to point to the beacon: start waking this device (body: device id) if it has due commands. */
  public static final String WAKE_REQUEST = "homeport.wake.request";

  /** Point to point to the beacon: the device called in, stop retransmitting its wake (body: device id). */
  public static final String WAKE_STOP = "homeport.wake.stop";

  /** Published by the beacon when it sends a device's first wake for its due commands (body: device id). */
  public static final String WAKE_SENT = "homeport.wake.sent";

  /** Published when a device has new due commands or session news, for long-polling hellos (body: device id). */
  public static final String WORK_AVAILABLE = "homeport.work.available";
}
