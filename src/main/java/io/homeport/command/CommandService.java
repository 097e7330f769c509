package io.homeport.command;

import io.homeport.refusal.Refusal;
import io.homeport.device.HostedAppliance;
import io.homeport.device.DeviceState;
import io.homeport.event.CommandEvent;
import io.homeport.event.EventPublisher;
import io.homeport.event.EventType;
import io.homeport.plugin.PluginCalls;
import io.homeport.plugin.spi.DeviceReport;
import io.homeport.plugin.spi.PluginCommand;
import io.homeport.device.DeviceRepository;
import io.vertx.core.Future;
import io.vertx.core.json.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command state machine (DESIGN.md 3): creation, delivery in a device's hello, results,
 * cancellation and the sweeps for TTL, result deadlines and scheduled commands. Every transition is
 * stored first and then published as an event. Keeps {@link PendingCommands} in step with the store.
 */
public final class CommandService {
  private static final Logger LOG = LoggerFactory.getLogger(CommandService.class);
  /** At most this many commands are handed out per hello; the device calls again for more. */
  public static final int DELIVERY_BATCH = 20;
  /**
   * A delivered command without a result this long after delivery is offered to its device again
   * (and the device is flagged pending): the answer that carried it may have been lost, e.g. on a
   * lossy link after the device gave up waiting. Devices recognise commands by id and report the
   * earlier result instead of running a command twice.
   */
  public static final Duration REOFFER_AFTER = Duration.ofSeconds(10);

  /** A request for a new command; ttl and the flags are already validated by the caller's parser. */
  public record NewCommand(String action, String paramsJson, Duration ttl, Instant notBefore, String idempotencyKey,
      boolean retryable, ApplianceRequest appliance) {
    public NewCommand(String action, String paramsJson, Duration ttl, Instant notBefore, String idempotencyKey,
        boolean retryable) {
      this(action, paramsJson, ttl, notBefore, idempotencyKey, retryable, null);
    }
  }

  /** The appliance a command is for, and the plugin that speaks its protocol. */
  public record ApplianceRequest(String plugin, String type, String address) {}

  private final CommandRepository commands;
  private final DeviceRepository devices;
  private final PluginCalls plugins;
  private final PendingCommands pending;
  private final DueSignal dueSignal;
  private final EventPublisher events;
  private final Clock clock;
  private final Duration resultTimeout;
  /** Commands delivered before this instant were delivered by an earlier process. */
  private final Instant startedAt;

  public CommandService(CommandRepository commands, DeviceRepository devices, PluginCalls plugins,
      PendingCommands pending, DueSignal dueSignal, EventPublisher events, Clock clock, Duration resultTimeout) {
    this.commands = commands;
    this.devices = devices;
    this.plugins = plugins;
    this.pending = pending;
    this.dueSignal = dueSignal;
    this.events = events;
    this.clock = clock;
    this.resultTimeout = resultTimeout;
    this.startedAt = now();
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  /**
   * Stores a command for the device. A repeated idempotency key returns the original command.
   *
   * @return the command and whether it was created by this call
   */
  public Future<CommandRepository.Created> create(String deviceId, NewCommand request) {
    Instant now = now();
    Instant expiresAt = now.plus(request.ttl());
    if (request.notBefore() != null && !request.notBefore().isBefore(expiresAt)) {
      return Future.failedFuture(new Refusal.Invalid("invalid-field",
          "notBefore (" + request.notBefore() + ") is not before the command expires (" + expiresAt + "): raise ttl"));
    }
    return devices.findById(deviceId).compose(device -> {
      if (device.isEmpty()) {
        return Future.failedFuture(new Refusal.NotFound("device-not-found",
            "no device with id '" + deviceId + "'"));
      }
      if (device.get().state() == DeviceState.REVOKED) {
        return Future.failedFuture(new Refusal.Gone("device-revoked",
            "device " + deviceId + " is revoked"));
      }
      Command command = Command.queued(UUID.randomUUID().toString(), deviceId, request.action(), request.paramsJson(),
          now, request.notBefore(), expiresAt, request.idempotencyKey(), request.retryable());
      if (request.appliance() == null) {
        return commands.create(command);
      }
      return encodeFor(deviceId, request).compose(target -> commands.create(command.withTarget(target)));
    }).recover(e -> Future.failedFuture(e instanceof Refusal.NotFound
        ? new Refusal.NotFound("device-not-found", "no device with id '" + deviceId + "'")
        : e))
        .onSuccess(created -> {
          if (created.created()) {
            Command c = created.command();
            LOG.info("command {} ({}) queued for device {}", c.id(), c.action(), deviceId);
            publish(EventType.COMMAND_QUEUED, c);
            if (c.isDueAt(now)) {
              markDue(deviceId);
            }
          }
        });
  }

  /** Checks that the device hosts the appliance, then has the plugin validate and encode the command. */
  private Future<ApplianceTarget> encodeFor(String deviceId, NewCommand request) {
    ApplianceRequest a = request.appliance();
    return devices.appliances(deviceId).compose(hosted -> {
      if (!hosted.contains(new HostedAppliance(a.plugin(), a.type(), a.address()))) {
        return Future.failedFuture(new Refusal.Conflict("appliance-not-hosted",
            "device " + deviceId + " does not report a " + a.plugin() + " " + a.type() + " at " + a.address()
                + " (it reports " + hosted.size() + " appliance(s); see GET /api/v1/devices/" + deviceId + ")",
            "appliance"));
      }
      return plugins.encode(a.plugin(), pluginCommand(a.type(), a.address(), request.action(), request.paramsJson()))
          .map(encoded -> new ApplianceTarget(a.plugin(), a.type(), a.address(), encoded.payload(), encoded.contentType()));
    });
  }

  @SuppressWarnings("unchecked")
  private static PluginCommand pluginCommand(String type, String address, String action, String paramsJson) {
    Object params = paramsJson == null ? null : PluginCalls.plain(Json.decodeValue(paramsJson));
    if (params != null && !(params instanceof Map)) {
      throw new Refusal.Invalid("invalid-field",
          "'params' must be a JSON object for a plugin command", "params");
    }
    return new PluginCommand(type, address, action, (Map<String, Object>) params);
  }

  public Future<Command> get(String id) {
    return commands.findById(id).compose(c -> c.map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(commandNotFound(id))));
  }

  public Future<List<Command>> list(String deviceId, Set<CommandState> states, int offset, int limit) {
    return devices.findById(deviceId).compose(d -> d.isEmpty()
        ? Future.failedFuture(new Refusal.NotFound("device-not-found",
            "no device with id '" + deviceId + "'"))
        : commands.listByDevice(deviceId, states, offset, limit));
  }

  public Future<Command> cancel(String id) {
    return commands.cancel(id, now())
        .recover(e -> Future.failedFuture(translate(e, id, "command-not-cancellable")))
        .onSuccess(c -> {
          LOG.info("command {} cancelled", id);
          publish(EventType.COMMAND_CANCELLED, c);
          refreshPending(c.deviceId());
        });
  }

  /**
   * Hands the device its due commands (marking them delivered); empty when none are due. Commands
   * delivered by an earlier server process, or more than {@link #REOFFER_AFTER} ago, and still without
   * a result are offered again: the answer that carried them may have been lost. The device
   * recognises them by id and reports instead of running them twice.
   *
   * <p>One read finds both kinds, and only a hello with due commands takes a turn of the store's
   * writer (many hellos find nothing due: long polls, the one after a reconnect); the conditional
   * update still decides which call delivers a command. The device's pending mark is cleared before
   * the read: a create that marked it earlier has committed and is seen by the read, one that marks
   * it later leaves it marked for the next hello.
   *
   * @return the delivered commands, then those offered again
   */
  public Future<List<Command>> deliver(String deviceId) {
    Instant now = now();
    Instant reofferBefore = now.minus(REOFFER_AFTER);
    Instant unansweredBefore = startedAt.isAfter(reofferBefore) ? startedAt : reofferBefore;
    pending.clear(deviceId);
    return commands.toOffer(deviceId, now, unansweredBefore, DELIVERY_BATCH).compose(found -> {
      List<Command> again = found.stream().filter(c -> c.state() == CommandState.DELIVERED).toList();
      again.forEach(c -> LOG.info("offering command {} to device {} again: delivered at {}, no result yet", c.id(),
          deviceId, c.deliveredAt()));
      boolean more = found.size() == DELIVERY_BATCH; // what the limit left out is for the next hello
      if (found.stream().noneMatch(c -> c.isDueAt(now))) {
        if (more) {
          markDue(deviceId);
        }
        return Future.succeededFuture(again);
      }
      return commands.deliver(deviceId, now, resultTimeout, DELIVERY_BATCH).map(fresh -> {
        fresh.forEach(c -> publish(EventType.COMMAND_DELIVERED, c));
        if (!fresh.isEmpty()) {
          LOG.info("delivered {} command(s) to device {}", fresh.size(), deviceId);
        }
        if (more || fresh.size() == DELIVERY_BATCH) {
          markDue(deviceId);
        }
        List<Command> offered = new ArrayList<>(fresh);
        offered.addAll(again);
        return offered;
      });
    });
  }

  /** Whether the device has commands due that no hello has taken yet (in memory; kept in step with the store). */
  public boolean hasDue(String deviceId) {
    return pending.hasDue(deviceId);
  }

  /**
   * Records a device's result for one of its delivered commands; a second result is refused. A
   * plugin command's result is decoded by its plugin first; a decoded {@code "ok": false} (the
   * appliance refused) makes the command fail.
   */
  public Future<Command> complete(String deviceId, String commandId, CommandResult result) {
    return commands.findById(commandId).compose(found -> {
      if (found.isEmpty() || !found.get().deviceId().equals(deviceId)) {
        return Future.failedFuture(commandNotFound(commandId));
      }
      Command c = found.get();
      return c.target() == null ? Future.succeededFuture(result) : decoded(c, result);
    }).compose(stored -> commands.complete(commandId, deviceId, stored, now()))
        .recover(e -> Future.failedFuture(translate(e, commandId, "result-already-recorded")))
        .onSuccess(c -> {
          LOG.info("command {} {} ({})", c.id(), c.state().wireName(), result.status().wireName());
          publish(c.state() == CommandState.SUCCEEDED ? EventType.COMMAND_SUCCEEDED : EventType.COMMAND_FAILED, c);
        });
  }

  private Future<CommandResult> decoded(Command c, CommandResult report) {
    ApplianceTarget t = c.target();
    return plugins.decode(t.plugin(), pluginCommand(t.applianceType(), t.applianceAddress(), c.action(), c.paramsJson()),
            new DeviceReport(report.status().wireName(), report.code(), report.payload(), report.payloadType()))
        .map(data -> {
          boolean refused = Boolean.FALSE.equals(data.get("ok"));
          CommandResult.Status status = report.status() == CommandResult.Status.OK && refused
              ? CommandResult.Status.ERROR : report.status();
          String code = report.code() != null ? report.code() : refused ? "appliance-refused" : null;
          return new CommandResult(status, code, Json.encode(data));
        })
        .recover(e -> {
          LOG.warn("command {}: {}", c.id(), e.getMessage());
          Map<String, Object> raw = new HashMap<>();
          raw.put("error", e.getMessage());
          if (report.payload() != null) {
            raw.put("payload", java.util.Base64.getEncoder().encodeToString(report.payload()));
          }
          return Future.succeededFuture(new CommandResult(CommandResult.Status.ERROR, "undecodable-result", Json.encode(raw)));
        });
  }

  /** The device's due commands were announced by a wake. */
  public Future<Void> woken(String deviceId) {
    return commands.markWoken(deviceId, now()).onSuccess(woken -> woken.forEach(c -> publish(EventType.COMMAND_WOKEN, c)))
        .mapEmpty();
  }

  /**
   * The sweep's state changes: expires commands past their TTL, times out (or requeues) delivered
   * commands past their deadline; {@link #refreshDue} is the sweep's other half. In a cluster one node at a time runs them
   * (each change is a conditional update anyway, so a command changes, and is evented, once).
   */
  public Future<Void> transitions() {
    Instant now = now();
    return commands.expire(now)
        .onSuccess(expired -> expired.forEach(c -> {
          LOG.info("command {} expired before delivery", c.id());
          publish(EventType.COMMAND_EXPIRED, c);
        }))
        .compose(v -> commands.timeOut(now))
        .onSuccess(timedOut -> timedOut.forEach(c -> {
          if (c.state() == CommandState.TIMED_OUT) {
            LOG.info("command {} timed out: no result from device {}", c.id(), c.deviceId());
            publish(EventType.COMMAND_TIMED_OUT, c);
          } else {
            LOG.info("command {} had no result in time; queued again (retryable)", c.id());
            publish(EventType.COMMAND_QUEUED, c);
          }
        }))
        .mapEmpty();
  }

  /**
   * The sweep's reading part, which every node of a cluster runs: brings {@link PendingCommands} in step
   * with the store and signals devices whose commands became due.
   */
  public Future<Void> refreshDue() {
    Instant now = now();
    return commands.devicesWithDueCommands(now)
        .compose(due -> commands.devicesWithUnansweredDeliveries(now.minus(REOFFER_AFTER)).map(unanswered -> {
          Set<String> all = new java.util.TreeSet<>(due);
          all.addAll(unanswered);
          return all;
        }))
        .map(due -> {
          pending.replace(due).forEach(dueSignal::due);
          return null;
        });
  }

  private void markDue(String deviceId) {
    pending.mark(deviceId);
    dueSignal.due(deviceId);
  }

  /**
   * Another node of a cluster queued or re-queued commands for the device: look at the store now
   * rather than at the next sweep, so the node its keepalives reach wakes it at once.
   */
  public void queuedElsewhere(String deviceId) {
    refreshPending(deviceId);
  }

  private void refreshPending(String deviceId) {
    commands.due(deviceId, now(), 1).onSuccess(due -> {
      if (!due.isEmpty()) {
        markDue(deviceId);
      }
    });
  }

  private void publish(EventType type, Command c) {
    CommandResult result = c.result();
    ApplianceTarget target = c.target();
    events.publish(new CommandEvent(type, clock.instant(), c.deviceId(), c.id(), c.action(), c.state().wireName(),
        c.state().isFinal(),
        result == null ? null : result.status().wireName(),
        result == null ? null : result.code(),
        result == null || result.dataJson() == null
            ? null : PluginCalls.plain(Json.decodeValue(result.dataJson())), // decoded, for integrators
        target == null ? null
            : new CommandEvent.Appliance(target.plugin(), target.applianceType(), target.applianceAddress())));
  }

  private static Throwable translate(Throwable e, String id, String conflictProblem) {
    if (e instanceof Refusal.NotFound) {
      return commandNotFound(id);
    }
    if (e instanceof Refusal.Conflict) {
      return new Refusal.Conflict(conflictProblem, e.getMessage());
    }
    return e;
  }

  private static Refusal commandNotFound(String id) {
    return new Refusal.NotFound("command-not-found", "no command with id '" + id + "'");
  }
}
