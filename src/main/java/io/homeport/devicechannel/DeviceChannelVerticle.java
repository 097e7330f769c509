package io.homeport.devicechannel;

import io.homeport.addresslist.AddressListRules;
import io.homeport.addresslist.AddressListService;
import io.homeport.addresslist.ApplicationWakes;
import io.homeport.addresslist.AddressListUpdate;
import io.homeport.command.Command;
import io.homeport.command.CommandResult;
import io.homeport.command.CommandService;
import io.homeport.device.DeviceKeyring;
import io.homeport.device.HostedAppliance;
import io.homeport.device.DeviceService;
import io.homeport.event.EventAddresses;
import io.homeport.http.AddressListJson;
import io.homeport.http.CommandJson;
import io.homeport.http.JsonBodies;
import io.homeport.http.QueryParams;
import io.homeport.http.PermissionJson;
import io.homeport.http.Replies;
import io.homeport.http.SessionJson;
import io.homeport.rendezvous.PendingSessions;
import io.homeport.rendezvous.PermissionService;
import io.homeport.rendezvous.SessionBroker;
import io.homeport.http.Problem;
import io.homeport.http.Problems;
import io.homeport.pki.DeviceIdentity;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.TrustOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.X509TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device channel (DESIGN.md 2.2): HTTPS where every route but enrollment needs a client
 * certificate issued by the device CA and still current in the {@link DeviceKeyring}. The TLS
 * server requests (not requires) a certificate so that enrollment works without one; the trust
 * manager refuses revoked certificates at the handshake, and {@link #authenticated} checks the
 * keyring again per request, for connections opened before a revocation.
 */
public final class DeviceChannelVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceChannelVerticle.class);
  private static final int BODY_LIMIT = 64 * 1024;
  private static final String DEVICE_ID = "deviceId";
  static final int MAX_WAIT_SECONDS = 60;
  private static final int MAX_APPLIANCES = 256;

  /** What the channel needs from the server: TLS material, and the endpoints devices are told. */
  public record Settings(
      String bind, int port, String serverKeyPem, String serverChainPem, String caCertificatePem,
      X509TrustManager clientTrustManager, String publicHost, IntSupplier advertisedBeaconPort, IntSupplier advertisedBeaconAltPort,
      IntSupplier advertisedChannelPort, int keepaliveIntervalSeconds, java.time.Duration sessionRequestWait,
      java.time.Clock clock) {}

  private final Settings settings;
  private final DeviceService devices;
  private final DeviceKeyring keyring;
  private final CommandService commands;
  private final PermissionService permissions;
  private final SessionBroker sessions;
  private final PendingSessions sessionNews;
  private final AddressListService addressLists;
  private final ApplicationWakes applicationWakes;
  private final LongPolls polls = new LongPolls();
  private final LongAdder handshakesSucceeded = new LongAdder();
  private final LongAdder handshakesFailed = new LongAdder();
  private HttpServer server;

  public DeviceChannelVerticle(Settings settings, DeviceService devices, DeviceKeyring keyring, CommandService commands,
      PermissionService permissions, SessionBroker sessions, PendingSessions sessionNews,
      AddressListService addressLists, ApplicationWakes applicationWakes) {
    this.addressLists = addressLists;
    this.applicationWakes = applicationWakes;
    this.permissions = permissions;
    this.sessions = sessions;
    this.sessionNews = sessionNews;
    this.settings = settings;
    this.devices = devices;
    this.keyring = keyring;
    this.commands = commands;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.route().failureHandler(Problems::handleFailure);
    router.route("/device/v1/*").handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT));
    router.post("/device/v1/enroll").handler(this::enroll);
    router.route("/device/v1/*").handler(this::authenticated);
    router.get("/device/v1/self").handler(this::self);
    router.put("/device/v1/name").handler(this::rename);
    // the device's own list (seed 004 embodiment 1: the terminal holds it); the id comes from the certificate
    router.get("/device/v1/permissions").handler(ctx -> permissions.get(ctx.get(DEVICE_ID))
        .onComplete(v -> Replies.json(ctx, v.map(PermissionJson::of))));
    router.put("/device/v1/permissions").handler(ctx -> {
      PermissionJson.Request request = PermissionJson.parse(JsonBodies.object(ctx));
      permissions.replace(ctx.get(DEVICE_ID), request.mode(), request.allow(), request.maxDuration())
          .onComplete(v -> Replies.json(ctx, v.map(PermissionJson::of)));
    });
    new SessionRoutes(sessions, settings.clock(), DEVICE_ID, settings.sessionRequestWait()).mount(router);
    router.post("/device/v1/hello").handler(this::hello);
    router.post("/device/v1/commands/:id/result").handler(this::result);
    router.get("/device/v1/address-list").handler(this::addressList);
    router.post("/device/v1/application-calls").handler(this::applicationCall);
    vertx.eventBus().<String>localConsumer(EventAddresses.WORK_AVAILABLE, msg -> polls.available(msg.body()));
    router.route().last().handler(Problems::notFound);

    HttpServerOptions options = new HttpServerOptions()
        .setSsl(true)
        .setKeyCertOptions(new PemKeyCertOptions()
            .setKeyValue(Buffer.buffer(settings.serverKeyPem()))
            .setCertValue(Buffer.buffer(settings.serverChainPem())))
        .setTrustOptions(TrustOptions.wrap(settings.clientTrustManager()))
        .setClientAuth(ClientAuth.REQUEST)
        .setEnabledSecureTransportProtocols(Set.of("TLSv1.3", "TLSv1.2"));
    return vertx.createHttpServer(options)
        .requestHandler(router)
        // a connection exists only once its TLS handshake completed; errors before that are failed handshakes
        .connectionHandler(c -> handshakesSucceeded.increment())
        .exceptionHandler(e -> {
          handshakesFailed.increment();
          LOG.debug("device channel connection failed before HTTP: {}", e.toString());
        })
        .listen(settings.port(), settings.bind())
        .onSuccess(s -> {
          server = s;
          LOG.info("device channel listening on https://{}:{} (client certificates from the device CA)",
              settings.bind(), s.actualPort());
        });
  }

  public int actualPort() {
    return server.actualPort();
  }

  /** TLS handshakes that completed (connections established); readable from any thread. */
  public long handshakesSucceeded() {
    return handshakesSucceeded.sum();
  }

  /** Connections that failed before HTTP: refused client certificates, protocol mismatches, resets during the handshake. */
  public long handshakesFailed() {
    return handshakesFailed.sum();
  }

  private void enroll(RoutingContext ctx) {
    JsonObject body = JsonBodies.object(ctx);
    JsonBodies.onlyFields(body, Set.of("token", "csr"));
    String token = JsonBodies.requiredString(body, "token");
    String csr = JsonBodies.requiredString(body, "csr");
    devices.enroll(token, csr).onComplete(result -> {
      if (result.failed()) {
        LOG.info("enrollment from {} refused: {}", ctx.request().remoteAddress(), result.cause().getMessage());
        ctx.fail(result.cause());
        return;
      }
      DeviceService.Enrolled e = result.result();
      ctx.json(new JsonObject()
          .put("deviceId", e.device().id())
          .put("certificateChain", e.certificate().chainPem())
          .put("caCertificate", settings.caCertificatePem())
          .put("beaconKey", Base64.getEncoder().encodeToString(e.device().beaconKey()))
          .put("keepaliveInterval", settings.keepaliveIntervalSeconds())
          .put("endpoints", new JsonObject()
              .put("beacon", new JsonObject()
                  .put("host", settings.publicHost())
                  .put("port", settings.advertisedBeaconPort().getAsInt())
                  .put("altPort", settings.advertisedBeaconAltPort().getAsInt()))
              .put("deviceChannel", "https://" + hostForUrl(settings.publicHost()) + ":"
                  + settings.advertisedChannelPort().getAsInt()))
          .put("addressList", AddressListJson.of(addressLists.effective(e.device().id()))));
    });
  }

  /**
   * The device's effective address list (DESIGN 4): {@code ?since=V} names the version it holds (absent
   * or 0: none). 304 when V is current, else the changes since V or the whole list.
   */
  private void addressList(RoutingContext ctx) {
    long since = QueryParams.of(ctx).wholeNumber("since", "the address-list version the device holds").orElse(0);
    applicationWakes.addressListFetched(ctx.get(DEVICE_ID));
    addressLists.updateSince(ctx.get(DEVICE_ID), since).onComplete(update -> {
      if (update.failed()) {
        ctx.fail(update.cause());
      } else if (update.result() instanceof AddressListUpdate.Current) {
        ctx.response().setStatusCode(304).end();
      } else {
        ctx.json(AddressListJson.of(update.result()));
      }
    });
  }

  /**
   * The device reports its call to an application server after an application wake (DESIGN 4): {@code
   * {"applicationServer", "outcome": "succeeded" | "failed", "reason"?, "detail"?}}; both become events.
   */
  private void applicationCall(RoutingContext ctx) {
    JsonObject body = JsonBodies.object(ctx);
    JsonBodies.onlyFields(body, Set.of("applicationServer", "outcome", "reason", "detail"));
    String server = JsonBodies.requiredString(body, "applicationServer");
    try {
      AddressListRules.checkId(server);
    } catch (io.homeport.refusal.Refusal e) {
      throw JsonBodies.invalid("applicationServer", e.getMessage());
    }
    String outcome = JsonBodies.requiredString(body, "outcome");
    if (!outcome.equals("succeeded") && !outcome.equals("failed")) {
      throw JsonBodies.invalid("outcome", "outcome must be 'succeeded' or 'failed'");
    }
    String reason = JsonBodies.optionalString(body, "reason");
    if (outcome.equals("failed") && (reason == null || !CALL_FAILURE_REASON.matcher(reason).matches())) {
      throw JsonBodies.invalid("reason", "a failed call needs a reason: 1-64 characters a-z, 0-9 and '-'");
    }
    String detail = JsonBodies.optionalString(body, "detail");
    if (detail != null && detail.length() > MAX_CALL_DETAIL) {
      throw JsonBodies.invalid("detail", "detail is at most " + MAX_CALL_DETAIL + " characters");
    }
    applicationWakes.reported(ctx.get(DEVICE_ID), server, outcome.equals("succeeded"), reason,
        detail == null ? "" : detail);
    ctx.response().setStatusCode(204).end();
  }

  private static final java.util.regex.Pattern CALL_FAILURE_REASON = java.util.regex.Pattern.compile("[a-z0-9-]{1,64}");
  private static final int MAX_CALL_DETAIL = 500;

  /** Lets the request through only with a verified client certificate that is current for its device. */
  private void authenticated(RoutingContext ctx) {
    List<Certificate> peer;
    try {
      peer = ctx.request().connection().peerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      peer = List.of();
    }
    if (peer == null || peer.isEmpty() || !(peer.get(0) instanceof X509Certificate leaf)) {
      new Problem(401, "client-certificate-required", "Client certificate required",
          "this route needs the device's client certificate (enroll first, then connect with --cert/--key)").send(ctx);
      return;
    }
    DeviceIdentity identity;
    try {
      identity = DeviceIdentity.from(leaf);
    } catch (RuntimeException e) {
      identity = null;
    }
    if (identity == null || !keyring.acceptsCertificate(identity.deviceId(), identity.serialHex())) {
      new Problem(403, "certificate-revoked", "Certificate not accepted",
          "the client certificate is revoked or superseded").send(ctx);
      return;
    }
    ctx.put(DEVICE_ID, identity.deviceId());
    ctx.next();
  }

  private void self(RoutingContext ctx) {
    String deviceId = ctx.get(DEVICE_ID);
    devices.get(deviceId).onComplete(d -> {
      if (d.failed()) {
        ctx.fail(d.cause());
      } else {
        ctx.json(new JsonObject()
            .put("deviceId", deviceId)
            .put("name", d.result().name())
            .put("state", d.result().state().wireName())
            .put("certificateSerial", d.result().certificateSerial()));
      }
    });
  }

  /** The device names itself (or drops its name with null); the name it asks for must be free. */
  private void rename(RoutingContext ctx) {
    String deviceId = ctx.get(DEVICE_ID);
    JsonObject body = JsonBodies.object(ctx);
    JsonBodies.onlyFields(body, Set.of("name"));
    devices.rename(deviceId, JsonBodies.requiredStringOrNull(body, "name")).onComplete(d -> Replies.json(ctx,
        d.map(renamed -> new JsonObject().put("deviceId", deviceId).put("name", renamed.name()))));
  }

  /**
   * The device calls in (after a wake, a pending flag or on its own schedule): its due commands are
   * delivered, with everything it should know about its sessions. With {@code ?wait=N} (seconds, at most
   * {@value #MAX_WAIT_SECONDS}) and nothing due, the request is held until commands or session news
   * arrive or the time is up.
   */
  private void hello(RoutingContext ctx) {
    String deviceId = ctx.get(DEVICE_ID);
    int wait = waitSeconds(ctx);
    JsonObject body = JsonBodies.object(ctx);
    JsonBodies.onlyFields(body, Set.of("appliances"));
    List<HostedAppliance> appliances = appliances(body);
    vertx.eventBus().send(EventAddresses.WAKE_STOP, deviceId);
    long deadline = System.nanoTime() + wait * 1_000_000_000L;
    Future<Void> reported = appliances == null ? Future.succeededFuture() : reportIfChanged(deviceId, appliances);
    reported.onComplete(r -> {
      if (r.failed()) {
        ctx.fail(r.cause());
      } else {
        deliver(ctx, deviceId, wait > 0 ? vertx.setTimer(wait * 1000L, id -> polls.expire(deviceId, ctx)) : -1, deadline);
      }
    });
  }

  /**
   * Stores the device's appliance report when it differs from the stored one. Devices repeat the same
   * report in every hello: comparing costs a read, where storing it again would cost a write
   * transaction per hello, competing with the command transitions for the store's one write lock.
   */
  private Future<Void> reportIfChanged(String deviceId, List<HostedAppliance> appliances) {
    return devices.appliances(deviceId).compose(stored -> Set.copyOf(stored).equals(Set.copyOf(appliances))
        ? Future.succeededFuture()
        : devices.reportAppliances(deviceId, appliances));
  }

  /** The optional {@code appliances: [{plugin, type, address}]} report of a hello; null when absent. */
  private static List<HostedAppliance> appliances(JsonObject body) {
    Object value = body.getValue("appliances");
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonArray list) || list.size() > MAX_APPLIANCES) {
      throw JsonBodies.invalid("appliances", "'appliances' must be a list of at most " + MAX_APPLIANCES
          + " {plugin, type, address} objects");
    }
    List<HostedAppliance> result = new java.util.ArrayList<>();
    for (Object o : list) {
      if (!(o instanceof JsonObject a)) {
        throw JsonBodies.invalid("appliances", "each of 'appliances' must be an object {plugin, type, address}");
      }
      JsonBodies.onlyFields(a, Set.of("plugin", "type", "address"));
      result.add(new HostedAppliance(JsonBodies.requiredString(a, "plugin"), JsonBodies.requiredString(a, "type"),
          JsonBodies.requiredString(a, "address")));
    }
    return result;
  }

  private void deliver(RoutingContext ctx, String deviceId, long timer, long deadlineNanos) {
    commands.deliver(deviceId).onComplete(result -> {
      if (ctx.response().ended() || ctx.response().closed()) {
        return; // a delivered command of a vanished poll times out, or is retried if retryable
      }
      if (result.failed()) {
        cancel(timer);
        ctx.fail(result.cause());
      } else if (!result.result().isEmpty() || sessionNews.hasNews(deviceId) || timer < 0
          || System.nanoTime() >= deadlineNanos) {
        cancel(timer);
        respondCommands(ctx, deviceId, result.result());
      } else {
        polls.hold(deviceId, ctx, () -> deliver(ctx, deviceId, timer, deadlineNanos), () -> {
          cancel(timer);
          respondCommands(ctx, deviceId, java.util.List.of());
        });
      }
    });
  }

  private void cancel(long timer) {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /**
   * The hello answer: the commands, {@code more} when further commands are due (the device calls again
   * at once), and the device's session notices.
   */
  private void respondCommands(RoutingContext ctx, String deviceId, java.util.List<Command> delivered) {
    JsonArray list = new JsonArray();
    delivered.forEach(c -> list.add(CommandJson.device(c)));
    sessions.take(deviceId).onComplete(taken -> {
      if (taken.failed()) {
        ctx.fail(taken.cause());
        return;
      }
      JsonArray notices = new JsonArray();
      taken.result().forEach(n -> notices.add(SessionJson.notice(n)));
      ctx.json(new JsonObject().put("commands", list).put("more", commands.hasDue(deviceId)).put("sessions", notices));
    });
  }

  private static int waitSeconds(RoutingContext ctx) {
    String v = ctx.queryParams().get("wait");
    if (v == null) {
      return 0;
    }
    try {
      int n = Integer.parseInt(v.endsWith("s") ? v.substring(0, v.length() - 1) : v);
      if (n >= 0 && n <= MAX_WAIT_SECONDS) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw JsonBodies.invalid("wait", "query parameter 'wait' must be 0 to " + MAX_WAIT_SECONDS + " seconds");
  }

  /** The device reports the outcome of one of its delivered commands; once. */
  private void result(RoutingContext ctx) {
    String deviceId = ctx.get(DEVICE_ID);
    JsonObject body = JsonBodies.object(ctx);
    JsonBodies.onlyFields(body, Set.of("status", "code", "data", "payload", "contentType"));
    CommandResult.Status status = CommandResult.Status.fromWireName(JsonBodies.requiredString(body, "status"))
        .orElseThrow(() -> JsonBodies.invalid("status", "'status' must be one of ok, error, rejected"));
    String code = JsonBodies.optionalString(body, "code");
    if (code != null && code.length() > 128) {
      throw JsonBodies.invalid("code", "'code' must be at most 128 characters");
    }
    Object data = body.getValue("data");
    String dataJson = data == null ? null : io.vertx.core.json.Json.encode(data);
    byte[] payload = null;
    String payloadBase64 = JsonBodies.optionalString(body, "payload");
    if (payloadBase64 != null) {
      try {
        payload = java.util.Base64.getDecoder().decode(payloadBase64);
      } catch (IllegalArgumentException e) {
        throw JsonBodies.invalid("payload", "'payload' must be base64");
      }
    }
    CommandResult result = new CommandResult(status, code, dataJson, payload, JsonBodies.optionalString(body, "contentType"));
    commands.complete(deviceId, ctx.pathParam("id"), result).onComplete(c -> {
      if (c.failed()) {
        ctx.fail(c.cause());
      } else {
        ctx.json(new JsonObject().put("id", c.result().id()).put("state", c.result().state().wireName()));
      }
    });
  }

  private static String hostForUrl(String host) {
    return host.contains(":") ? "[" + host + "]" : host;
  }
}
