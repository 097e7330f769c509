package io.homeport.event;

import java.time.Instant;

/**
 * What happened in the domain (DESIGN.md 2.4), as a typed record. Each event family has its records:
 * {@link DeviceEvent}, {@link CommandEvent}, {@link SessionEvent}, {@link PluginEvent}, {@link AddressListEvent}. Components publish them through an
 * {@link EventPublisher}; the {@link EventLog} stores them and hands them, with their id, to the rest
 * of the server as {@link LoggedEvent}s. {@link EventJson} is the one place that turns them into the
 * wire form.
 */
public sealed interface DomainEvent permits DeviceEvent, CommandEvent, SessionEvent, PluginEvent, AddressListEvent {

  EventType type();

  /** When it happened. */
  Instant time();

  /** The device it concerns; null for events about no device ({@code plugin.*}, {@code addresslist.*}). */
  String deviceId();
}
