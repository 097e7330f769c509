package io.homeport.agent;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's address list at work (DESIGN 4): fetching what changed since the version held (on a
 * PENDING flag, an address-list wake, or an application server it does not know) and calling the
 * application server an application wake names, then reporting how it went. Driven from the agent's
 * event loop; the list is written off it.
 */
final class AddressListFollower {
  private static final Logger LOG = LoggerFactory.getLogger(AddressListFollower.class);

  private final Vertx vertx;
  private final String deviceId;
  private final AddressBook book;
  private final Supplier<DeviceChannelClient> channel;
  private final ApplicationCalls calls;
  private final Consumer<AddressBook> changed;
  /** The fetch under way, null when none. */
  private Future<Void> fetch;

  /**
   * @param channel the device channel to use now (a fleet move changes it)
   * @param changed told after a fetch that changed the list (the agent reports the version, follows endpoints)
   */
  AddressListFollower(Vertx vertx, String deviceId, AddressBook book, Supplier<DeviceChannelClient> channel,
      ApplicationCalls calls, Consumer<AddressBook> changed) {
    this.vertx = vertx;
    this.deviceId = deviceId;
    this.book = book;
    this.channel = channel;
    this.calls = calls;
    this.changed = changed;
  }

  /**
   * Fetches the changes since the version held (the whole list when the changes do not apply) and
   * stores them. One fetch at a time: a caller during a fetch gets that fetch.
   */
  Future<Void> fetch(String why) {
    if (fetch != null) {
      return fetch;
    }
    long held = book.version();
    LOG.debug("device {}: fetching the address list since version {} ({})", deviceId, held, why);
    DeviceChannelClient client = channel.get();
    Future<Void> f = client.addressList(held)
        .compose(update -> update == null ? Future.succeededFuture(false) : store(update))
        .compose(applied -> applied ? Future.succeededFuture(true)
            : client.addressList(0).compose(full -> full == null ? Future.succeededFuture(false) : store(full)))
        .map(didChange -> {
          if (didChange) {
            LOG.info("device {}: address list version {} ({} entries)", deviceId, book.version(), book.entries().size());
            changed.accept(book);
          }
          return (Void) null;
        });
    fetch = f;
    f.onComplete(r -> {
      fetch = null;
      if (r.failed()) {
        LOG.warn("device {}: address list not fetched: {}", deviceId, r.cause().getMessage());
      }
    });
    return f;
  }

  /** Applies an update off the event loop (it writes the bundle directory); false when it did not apply. */
  private Future<Boolean> store(JsonObject update) {
    return vertx.executeBlocking(() -> book.apply(update));
  }

  /**
   * After an application wake: looks the server up (fetching the list when the id is not there; an
   * unlisted server is never called), calls it, and reports how it went.
   */
  void callApplicationServer(String applicationServerId) {
    Optional<AddressBook.Entry> known = book.entry(applicationServerId);
    Future<Optional<AddressBook.Entry>> entry = known.isPresent() ? Future.succeededFuture(known)
        : fetch("application server " + applicationServerId + " not in the list").map(v -> book.entry(applicationServerId));
    entry.onComplete(found -> {
      if (found.failed() || found.result().isEmpty()) {
        String detail = found.failed() ? "the address list could not be fetched: " + found.cause().getMessage()
            : "not in address list version " + book.version();
        LOG.warn("device {}: application server {} not called: {}", deviceId, applicationServerId, detail);
        report(applicationServerId, false, "not-listed", detail);
        return;
      }
      calls.call(applicationServerId, found.result().get()).onComplete(outcome -> {
        if (outcome.succeeded() && outcome.result().success()) {
          report(applicationServerId, true, null, null);
        } else {
          String reason = outcome.succeeded() ? outcome.result().reason() : "call-failed";
          String detail = outcome.succeeded() ? outcome.result().detail() : outcome.cause().getMessage();
          LOG.warn("device {}: call to application server {} failed: {} ({})", deviceId, applicationServerId, reason,
              detail);
          report(applicationServerId, false, reason, detail);
        }
      });
    });
  }

  private void report(String applicationServerId, boolean succeeded, String reason, String detail) {
    channel.get().applicationCall(applicationServerId, succeeded, reason, detail)
        .onFailure(e -> LOG.warn("device {}: could not report the call to application server {}: {}", deviceId,
            applicationServerId, e.getMessage()));
  }
}
