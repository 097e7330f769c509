package io.homeport.event;

/** Where domain components hand their events; the server wires it to the durable {@link EventLog}. */
@FunctionalInterface
public interface EventPublisher {
  void publish(Event event);

  /** Discards events: for components used outside a server, such as tools. */
  EventPublisher NONE = event -> {};
}
