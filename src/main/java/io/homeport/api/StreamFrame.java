package io.homeport.api;

import io.homeport.event.StoredEvent;

/** One event as the stream sends it: encoded once, for every subscriber it passes. */
record StreamFrame(long id, String type, String deviceId, String text) {
  static StreamFrame of(StoredEvent e) {
    return new StreamFrame(e.id(), e.type(), e.deviceId(), e.toJson().encode());
  }
}
