package io.homeport.api;

import io.homeport.event.EventLog;
import io.vertx.core.Vertx;

/**
 * What every subscriber of one event stream shares.
 *
 * @param bufferEvents events queued per subscriber at most ({@code events.streamBufferEvents})
 * @param page events read from the log at once
 */
record StreamSettings(Vertx vertx, HomeContext home, EventLog log, int bufferEvents, int page) {}
