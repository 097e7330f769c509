package io.homeport.command;

import io.homeport.event.EventAddresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives the command sweeps (TTL, result deadlines, scheduled commands) on a timer, the first one at
 * start so that commands stored before a restart are picked up at once, and marks commands WOKEN
 * when the beacon reports a wake. The sweep's state changes run under a lock that in cluster mode is the
 * cluster's ({@link #TRANSITIONS_LOCK}): one node changes states per round, while every node reads which
 * of its devices have commands due.
 */
public final class CommandsVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(CommandsVerticle.class);
  /** Shared data lock name: cluster-wide on a clustered Vert.x, this process's otherwise. */
  static final String TRANSITIONS_LOCK = "homeport.commands.transitions";

  private final CommandService commands;
  private final long sweepMillis;
  private boolean sweeping;

  public CommandsVerticle(CommandService commands, long sweepMillis) {
    this.commands = commands;
    this.sweepMillis = sweepMillis;
  }

  @Override
  public Future<?> start() {
    vertx.eventBus().<String>localConsumer(EventAddresses.WAKE_SENT, msg -> commands.woken(msg.body())
        .onFailure(e -> LOG.warn("could not mark the commands of device {} woken: {}", msg.body(), e.getMessage())));
    vertx.setPeriodic(sweepMillis, id -> sweep());
    return sweepOnce();
  }

  private void sweep() {
    if (sweeping) {
      return; // the previous sweep is still running: the store is slow, do not pile up
    }
    sweeping = true;
    sweepOnce()
        .onFailure(e -> LOG.warn("command sweep failed: {}", e.getMessage()))
        .onComplete(v -> sweeping = false);
  }

  /** The state changes when this node gets the lock at once (another node holds it: it makes them), then the reading. */
  private Future<Void> sweepOnce() {
    return vertx.sharedData().getLockWithTimeout(TRANSITIONS_LOCK, 1)
        .transform(locked -> locked.succeeded()
            ? commands.transitions().onComplete(v -> locked.result().release())
            : Future.<Void>succeededFuture())
        .compose(v -> commands.refreshDue());
  }
}
