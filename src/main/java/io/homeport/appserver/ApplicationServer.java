package io.homeport.appserver;

import io.homeport.command.CommandResult;
import io.homeport.http.JsonBodies;
import io.homeport.http.Problem;
import io.homeport.http.Problems;
import io.homeport.lifecycle.Lifecycle;
import io.homeport.pki.DeviceClientTrustManager;
import io.homeport.pki.DeviceIdentity;
import io.homeport.pki.IdentityKeyManager;
import io.homeport.pki.Pem;
import io.homeport.pki.SelfSignedIdentity;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.TrustOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference application server (DESIGN 4; {@code homeport appserver}): what a vendor's service does
 * when Homeport wakes a device for it. It serves HTTPS with a key and self-signed certificate of its own
 * (devices verify it by the SPKI pin an operator publishes in an address list), requires a client
 * certificate and accepts a device certificate only when the Homeport device CA issued it and its current
 * revocation list does not name it (both fetched from the Homeport API with an API token; the list again
 * every {@link Settings#revocationRefresh()} and on {@link #refreshRevocations()}). The device id is the
 * certificate's subject CN.
 *
 * <p>Protocol: {@code POST /homeport/v1/call} answers {@code {"requests": [{"id", "action", "params"}]}},
 * the requests queued for the calling device (handed out once); {@code POST
 * /homeport/v1/requests/{id}/result} takes a request's result ({@code {"status": "ok|error|rejected",
 * "code"?, "data"?}}, as a device reports a command's). An operator queues requests with {@link #queue} or
 * {@code POST /requests/{deviceId} {"action", "params"?}} on the admin port, which listens on loopback only.
 * Calls and results are kept in memory ({@link #calls()}, {@link #results()}) and logged.
 */
public final class ApplicationServer implements Lifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(ApplicationServer.class);
  private static final String DEVICE_ID = "deviceId";
  private static final int BODY_LIMIT = 64 * 1024;

  /**
   * @param dataDir where the server's key (0600) and certificate are kept
   * @param bind the address the device-facing HTTPS port listens on
   * @param port the device-facing HTTPS port; 0 for any free one
   * @param adminPort the operator's port on loopback; 0 for any free one
   * @param hosts the names and addresses the certificate names (devices do not check them when pinning)
   * @param homeport the Homeport API's base URL, e.g. {@code http://homeport.example:8080}
   * @param token an API token that reads {@code /api/v1/pki/*} (role application will do)
   * @param revocationRefresh how often the revocation list is fetched again
   */
  public record Settings(Path dataDir, String bind, int port, int adminPort, List<String> hosts, URI homeport,
      String token, Duration revocationRefresh) {
    public Settings {
      hosts = List.copyOf(hosts);
    }
  }

  /** A request queued for a device. */
  public record Request(String id, String deviceId, String action, JsonObject params, Instant queuedAt) {
    JsonObject toJson() {
      return new JsonObject().put("id", id).put("deviceId", deviceId).put("action", action).put("params", params);
    }
  }

  /** A device's call: who, when, and which requests it was handed. */
  public record Call(String deviceId, Instant at, List<String> requestIds) {}

  /** A result a device posted for one of its requests, as posted. */
  public record Result(String deviceId, String requestId, JsonObject result, Instant at) {}

  private final Vertx vertx;
  private final Settings settings;
  private final Clock clock;
  private final WebClient homeport;
  private final Map<String, ArrayDeque<Request>> queued = new HashMap<>();
  private final Map<String, Request> handedOut = new HashMap<>();
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final List<Result> results = new CopyOnWriteArrayList<>();
  private SelfSignedIdentity identity;
  private DeviceRevocations revocations;
  private DeviceClientTrustManager deviceTrust;
  private HttpServer devicesServer;
  private HttpServer adminServer;
  private long refreshTimer = -1;

  public ApplicationServer(Vertx vertx, Settings settings, Clock clock) {
    this.vertx = vertx;
    this.settings = settings;
    this.clock = clock;
    this.homeport = WebClient.create(vertx);
  }

  /** Loads or creates the identity, fetches the CA and its revocation list, then listens. */
  @Override
  public Future<Void> start() {
    return vertx.executeBlocking(() -> SelfSignedIdentity.loadOrCreate(settings.dataDir(), settings.hosts(), clock))
        .compose(id -> {
          identity = id;
          return fetch("/api/v1/pki/ca.pem");
        })
        .compose(pem -> {
          X509Certificate ca = Pem.decodeCertificate(pem.toString());
          revocations = new DeviceRevocations(ca, clock);
          deviceTrust = new DeviceClientTrustManager(ca, revocations, clock);
          return refreshRevocations();
        })
        .compose(v -> vertx.createHttpServer(new HttpServerOptions()
                .setSsl(true)
                .setKeyCertOptions(KeyCertOptions.wrap(new IdentityKeyManager(identity.key(), List.of(identity.certificate()))))
                .setTrustOptions(TrustOptions.wrap(deviceTrust))
                .setClientAuth(ClientAuth.REQUIRED))
            .requestHandler(deviceRoutes()).listen(settings.port(), settings.bind()))
        .compose(s -> {
          devicesServer = s;
          return vertx.createHttpServer().requestHandler(adminRoutes()).listen(settings.adminPort(), "127.0.0.1");
        })
        .map(s -> {
          adminServer = s;
          refreshTimer = vertx.setPeriodic(settings.revocationRefresh().toMillis(), t -> refreshRevocations());
          LOG.info("application server listening on https://{}:{} (SPKI pin {}), admin on http://127.0.0.1:{}",
              settings.bind(), devicesServer.actualPort(), identity.spkiPin(), adminServer.actualPort());
          return null;
        });
  }

  @Override
  public Future<Void> stop() {
    if (refreshTimer >= 0) {
      vertx.cancelTimer(refreshTimer);
    }
    homeport.close();
    Future<Void> devices = devicesServer == null ? Future.succeededFuture() : devicesServer.close();
    return devices.compose(v -> adminServer == null ? Future.succeededFuture() : adminServer.close());
  }

  /** Fetches the device CA's revocation list now; a failure keeps the list held (and is logged). */
  public Future<Void> refreshRevocations() {
    return fetch("/api/v1/pki/crl").compose(der -> {
      try {
        revocations.update(der.getBytes());
      } catch (java.security.GeneralSecurityException e) {
        return Future.failedFuture(new IllegalStateException("the revocation list from " + settings.homeport()
            + " is refused: " + e.getMessage(), e));
      }
      LOG.debug("revocation list refreshed: {} revoked device certificate(s)", revocations.size());
      return Future.<Void>succeededFuture();
    }).onFailure(e -> LOG.warn("cannot refresh the device revocation list: {}", e.getMessage()));
  }

  /** Queues a request for a device; it is handed out at the device's next call. */
  public synchronized Request queue(String deviceId, String action, JsonObject params) {
    Request r = new Request(UUID.randomUUID().toString(), deviceId, action, params == null ? new JsonObject() : params,
        clock.instant());
    queued.computeIfAbsent(deviceId, d -> new ArrayDeque<>()).add(r);
    LOG.info("queued request {} ({}) for device {}", r.id(), action, deviceId);
    return r;
  }

  public List<Call> calls() {
    return List.copyOf(calls);
  }

  public List<Result> results() {
    return List.copyOf(results);
  }

  /** The SPKI pin to publish in an address list entry ({@code "pins": [pin]}). */
  public String spkiPin() {
    return identity.spkiPin();
  }

  public int port() {
    return devicesServer.actualPort();
  }

  public int adminPort() {
    return adminServer.actualPort();
  }

  private Future<Buffer> fetch(String path) {
    String url = settings.homeport().toString().replaceAll("/+$", "") + path;
    return homeport.getAbs(url).putHeader("Authorization", "Bearer " + settings.token()).timeout(15_000).send()
        .compose(r -> r.statusCode() == 200 ? Future.succeededFuture(r.body())
            : Future.failedFuture(new IllegalStateException("GET " + url + " answered " + r.statusCode() + ": "
                + r.bodyAsString())));
  }

  private Router deviceRoutes() {
    Router router = Router.router(vertx);
    router.route().failureHandler(Problems::handleFailure);
    router.route("/homeport/v1/*").handler(this::authenticated);
    router.route("/homeport/v1/*").handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT));
    router.post("/homeport/v1/call").handler(this::call);
    router.post("/homeport/v1/requests/:id/result").handler(this::result);
    router.route().last().handler(Problems::notFound);
    return router;
  }

  private Router adminRoutes() {
    Router router = Router.router(vertx);
    router.route().failureHandler(Problems::handleFailure);
    router.route().handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT));
    router.post("/requests/:deviceId").handler(this::queueRequest);
    router.route().last().handler(Problems::notFound);
    return router;
  }

  /**
   * Checks the connection's client certificate again on every request (a resumed TLS session skips the
   * handshake's check), so a device revoked since is refused from the next refreshed list on.
   */
  private void authenticated(RoutingContext ctx) {
    List<Certificate> peer;
    try {
      peer = ctx.request().connection().peerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      peer = List.of();
    }
    DeviceIdentity device;
    try {
      device = deviceTrust.authorize(peer);
    } catch (CertificateException e) {
      LOG.info("refused a call from {}: {}", ctx.request().remoteAddress(), e.getMessage());
      new Problem(403, "certificate-revoked", "Certificate not accepted",
          "the client certificate is not a current device certificate of the Homeport device CA").send(ctx);
      return;
    }
    ctx.put(DEVICE_ID, device.deviceId());
    ctx.next();
  }

  private void call(RoutingContext ctx) {
    String deviceId = ctx.get(DEVICE_ID);
    List<Request> requests = handOut(deviceId);
    calls.add(new Call(deviceId, clock.instant(), requests.stream().map(Request::id).toList()));
    LOG.info("device {} called: {} request(s) handed out", deviceId, requests.size());
    JsonArray items = new JsonArray();
    requests.forEach(r -> items.add(new JsonObject().put("id", r.id()).put("action", r.action()).put("params", r.params())));
    ctx.json(new JsonObject().put("requests", items));
  }

  private synchronized List<Request> handOut(String deviceId) {
    ArrayDeque<Request> waiting = queued.remove(deviceId);
    List<Request> out = waiting == null ? List.of() : new ArrayList<>(waiting);
    out.forEach(r -> handedOut.put(r.id(), r));
    return out;
  }

  private void result(RoutingContext ctx) {
    String deviceId = ctx.get(DEVICE_ID);
    JsonObject body = JsonBodies.object(ctx);
    JsonBodies.onlyFields(body, Set.of("status", "code", "data", "payload", "contentType"));
    CommandResult.Status.fromWireName(JsonBodies.requiredString(body, "status"))
        .orElseThrow(() -> JsonBodies.invalid("status", "'status' must be one of ok, error, rejected"));
    String requestId = ctx.pathParam("id");
    if (!takeHandedOut(deviceId, requestId)) {
      new Problem(404, "request-not-found", "Request not found",
          "no request '" + requestId + "' awaits a result from this device").send(ctx);
      return;
    }
    results.add(new Result(deviceId, requestId, body, clock.instant()));
    LOG.info("device {} reported request {}: {}", deviceId, requestId, body.encode());
    ctx.json(new JsonObject().put("id", requestId).put("recorded", true));
  }

  private synchronized boolean takeHandedOut(String deviceId, String requestId) {
    Request r = handedOut.get(requestId);
    if (r == null || !r.deviceId().equals(deviceId)) {
      return false;
    }
    handedOut.remove(requestId);
    return true;
  }

  private void queueRequest(RoutingContext ctx) {
    JsonObject body = JsonBodies.object(ctx);
    JsonBodies.onlyFields(body, Set.of("action", "params"));
    String action = JsonBodies.requiredString(body, "action");
    Object params = body.getValue("params");
    if (params != null && !(params instanceof JsonObject)) {
      throw JsonBodies.invalid("params", "'params' must be a JSON object");
    }
    Request r = queue(ctx.pathParam("deviceId"), action, (JsonObject) params);
    ctx.response().setStatusCode(201);
    ctx.json(r.toJson());
  }
}
