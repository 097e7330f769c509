package io.homeport.event;

/** Where domain components hand their events; the server wires it to the durable {@link EventLog}. */
@FunctionalInterface
public interface EventPublisher {
  /** Hands the event on; returns at once and may be called from any thread. */
  void publish(DomainEvent event);

  /** Discards events: for components used outside a server, such as tools. */
  EventPublisher NONE = event -> {};
}
