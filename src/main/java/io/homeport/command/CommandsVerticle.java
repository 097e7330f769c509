package io.homeport.command;

import io.homeport.event.EventAddresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives the command sweeps (TTL, result deadlines, scheduled commands) on a timer, the first one at
 * start so that commands stored before a restart are picked up at once, and marks commands WOKEN
 * when the beacon reports a wake.
 */
public final class CommandsVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(CommandsVerticle.class);

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
    return commands.sweep();
  }

  private void sweep() {
    if (sweeping) {
      return; // the previous sweep is still running: the store is slow, do not pile up
    }
    sweeping = true;
    commands.sweep()
        .onFailure(e -> LOG.warn("command sweep failed: {}", e.getMessage()))
        .onComplete(v -> sweeping = false);
  }
}
