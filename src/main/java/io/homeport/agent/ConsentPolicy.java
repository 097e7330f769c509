package io.homeport.agent;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How a device in {@code device} mode answers consent requests (DESIGN 5, seed 004 embodiment 2): the
 * server tells it who asks (id and name), it answers accept or reject. Called on the agent's event loop.
 */
@FunctionalInterface
public interface ConsentPolicy {

  /** @param requesterName null when the requester has no name */
  Future<Boolean> decide(String requesterId, String requesterName);

  /** Accepts everyone: for demos. */
  ConsentPolicy ACCEPT_ALL = (id, name) -> Future.succeededFuture(true);

  /** Rejects everyone: the default, so that a device asks nobody in before its owner says so. */
  ConsentPolicy REJECT_ALL = (id, name) -> Future.succeededFuture(false);

  /**
   * Accepts the requesters a local file lists, one device id or name per line ({@code #} starts a
   * comment). The file is read at each request, so edits apply at once; an unreadable file rejects.
   */
  static ConsentPolicy allowListFile(Vertx vertx, Path file) {
    return (id, name) -> vertx.executeBlocking(() -> {
      List<String> entries = Files.readAllLines(file).stream()
          .map(l -> l.replaceAll("#.*", "").trim()).filter(l -> !l.isEmpty()).toList();
      return entries.contains(id) || (name != null && entries.contains(name));
    }).otherwise(false);
  }
}
