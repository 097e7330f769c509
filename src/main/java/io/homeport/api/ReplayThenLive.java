package io.homeport.api;

import io.homeport.event.EventLog;
import io.homeport.event.StoredEvent;
import io.vertx.core.AsyncResult;
import java.util.ArrayDeque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where one subscriber's events come from: the durable log until its end is reached, then live events,
 * with no gap and no duplicate at the seam (see {@link EventStreamRoutes}). Live events that arrive while
 * replaying are held; when a read finds the end of the log the held ones with greater ids follow. Touched on
 * the {@link HomeContext} only.
 */
final class ReplayThenLive {
  private static final Logger LOG = LoggerFactory.getLogger(ReplayThenLive.class);

  private final EventStreamSubscriber subscriber;
  private final EventLog log;
  private final HomeContext home;
  private final int limit;
  private final int page;
  /** Until the log's end is reached (from the start: also without after=, until the newest id is known). */
  private boolean replaying = true;
  private boolean reading;
  /** Live events that arrived while replaying. */
  private ArrayDeque<StreamFrame> held = new ArrayDeque<>();
  /** Incremented whenever held events are dropped: a read started before must not end the replay. */
  private int heldDrops;

  ReplayThenLive(EventStreamSubscriber subscriber, StreamSettings settings) {
    this.subscriber = subscriber;
    this.log = settings.log();
    this.home = settings.home();
    this.limit = settings.bufferEvents();
    this.page = settings.page();
  }

  /** Live from now: events up to the newest stored id are not sent. */
  void liveFromNewest() {
    reading = true; // no replay read meanwhile
    log.latestId().onComplete(latest -> home.run(() -> {
      reading = false;
      if (latest.failed()) {
        subscriber.close(EventStreamRoutes.CLOSE_LOG_UNAVAILABLE, "event log unavailable");
      } else {
        subscriber.startAt(latest.result());
        goLive();
      }
    }));
  }

  /**
   * Holds a live event while replaying (true), else leaves it to the subscriber (false). Budget while
   * replaying: half for held events, half for the replay's own frames; past it the held ones are dropped and
   * the replay reads past them.
   */
  boolean hold(StreamFrame f) {
    if (!replaying) {
      return false;
    }
    held.add(f);
    if (held.size() > limit / 2) {
      held.clear();
      heldDrops++;
    }
    return true;
  }

  /** Reads the next page of the log when replaying and there is room for it. */
  void continueReplay() {
    if (subscriber.closed() || !replaying || reading || subscriber.queued() + page > limit - limit / 2) {
      return;
    }
    reading = true;
    int drops = heldDrops;
    log.readAfter(subscriber.cursor(), page).onComplete(ar -> home.run(() -> replayed(ar, drops)));
  }

  private void replayed(AsyncResult<List<StoredEvent>> ar, int dropsBefore) {
    reading = false;
    if (subscriber.closed()) {
      return;
    }
    if (ar.failed()) {
      LOG.warn("event stream: cannot read the event log for {}: {}", subscriber.subject(), ar.cause().toString());
      subscriber.close(EventStreamRoutes.CLOSE_LOG_UNAVAILABLE, "event log unavailable");
      return;
    }
    List<StoredEvent> events = ar.result();
    for (StoredEvent e : events) {
      if (subscriber.pass(e.id()) && subscriber.matches(e.type(), e.deviceId())) {
        subscriber.queue(StreamFrame.of(e));
      }
    }
    if (events.size() < page && heldDrops == dropsBefore) {
      goLive();
    } else {
      subscriber.pump();
    }
  }

  /** The log's end was reached: the held live events with greater ids follow, then live ones. */
  private void goLive() {
    if (subscriber.closed()) {
      return;
    }
    replaying = false;
    for (StreamFrame f : held) {
      if (subscriber.pass(f.id())) {
        subscriber.queue(f);
      }
    }
    held = null;
    subscriber.pump();
    subscriber.closeIfTooFarBehind();
  }

  /** The subscriber is gone: nothing more is held for it. */
  void release() {
    held = null;
  }
}
