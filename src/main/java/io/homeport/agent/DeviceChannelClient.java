package io.homeport.agent;

import io.homeport.command.CommandResult;
import io.homeport.device.HostedAppliance;
import io.homeport.pki.CaTrustManager;
import io.homeport.pki.IdentityKeyManager;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.TrustOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.util.List;

/** The device's side of the device channel: mutual TLS with the bundle's certificate, trusting only the device CA. */
public final class DeviceChannelClient {
  private final WebClient client;
  private final URI base;

  public DeviceChannelClient(Vertx vertx, DeviceBundle bundle) {
    this(vertx, bundle, URI.create(bundle.deviceChannelUrl()));
  }

  /** A client of the device channel at {@code base} (an address list moved the device there), same identity. */
  public DeviceChannelClient(Vertx vertx, DeviceBundle bundle, URI base) {
    this.base = base;
    this.client = WebClient.create(vertx, new WebClientOptions()
        .setSsl(true)
        .setDefaultHost(base.getHost().replace("[", "").replace("]", ""))
        .setDefaultPort(base.getPort())
        // in-memory key and trust managers: PEM options would build PKCS#12 stores, costing two PBKDF2
        // derivations per client, which adds up to seconds of CPU when many agents start at once
        .setKeyCertOptions(KeyCertOptions.wrap(new IdentityKeyManager(bundle.privateKey(), bundle.certificateChain())))
        .setTrustOptions(TrustOptions.wrap(new CaTrustManager(bundle.caCertificate())))
        .setConnectTimeout(10_000)
        .setIdleTimeout(90));
  }

  /**
   * The answer to a hello: the commands handed out, and whether more are due (call again at once).
   */
  public record Hello(List<JsonObject> commands, boolean more, List<JsonObject> sessions) {}

  /**
   * The answer to a session request: {@code offer} when established, null otherwise; {@code refused}
   * true when the server refused (for whatever reason it does not say), false while the target has
   * not answered yet (the outcome then comes in a hello).
   */
  public record SessionAnswer(String sessionId, PeerSession offer, boolean refused) {}

  /**
   * Calls hello; with {@code waitSeconds} > 0 the server holds the call until commands arrive or the time is up.
   *
   * @param appliances what the device hosts, or null to report nothing (the server keeps the last report)
   */
  public Future<Hello> hello(int waitSeconds, List<HostedAppliance> appliances) {
    JsonObject body = new JsonObject();
    if (appliances != null) {
      JsonArray hosted = new JsonArray();
      appliances.forEach(a -> hosted.add(new JsonObject().put("plugin", a.plugin()).put("type", a.type())
          .put("address", a.address())));
      body.put("appliances", hosted);
    }
    return client.post("/device/v1/hello" + (waitSeconds > 0 ? "?wait=" + waitSeconds : ""))
        .timeout((waitSeconds + 15) * 1000L)
        .sendJsonObject(body)
        .compose(r -> expect(r, 200))
        .map(answer -> new Hello(objects(answer.getJsonArray("commands")), answer.getBoolean("more", false),
            objects(answer.getJsonArray("sessions"))));
  }

  /**
   * Asks for a session with {@code peer} (id or name).
   *
   * @param durationSeconds the period to ask for; 0 for the server's default
   * @param waitSeconds how long the server may hold the answer for the target's consent
   */
  public Future<SessionAnswer> requestSession(String peer, long durationSeconds, int waitSeconds) {
    JsonObject body = new JsonObject().put("peer", peer).put("wait", waitSeconds);
    if (durationSeconds > 0) {
      body.put("duration", durationSeconds);
    }
    return client.post("/device/v1/sessions").timeout((waitSeconds + 15) * 1000L).sendJsonObject(body)
        .compose(r -> {
          if (r.statusCode() == 403 && r.bodyAsString().contains("session-refused")) {
            return Future.succeededFuture(new SessionAnswer(null, null, true));
          }
          if (r.statusCode() == 202) {
            return expect(r, 202).map(a -> new SessionAnswer(a.getString("id"), null, false));
          }
          return expect(r, 200).map(a -> new SessionAnswer(a.getString("id"), PeerSession.fromOffer(a), false));
        });
  }

  /** Answers the consent request of session {@code sessionId}. */
  public Future<Void> consent(String sessionId, boolean accept) {
    return post("/device/v1/sessions/" + sessionId + "/consent", new JsonObject().put("accept", accept)).mapEmpty();
  }

  /** Asks for more time; the answer is the offer with the new expiry. */
  public Future<PeerSession> extend(String sessionId) {
    return post("/device/v1/sessions/" + sessionId + "/extend", new JsonObject()).map(PeerSession::fromOffer);
  }

  /** Ends the session, or reports its end after the server told of it. */
  public Future<Void> end(String sessionId, String reason, SessionHandler.Usage usage) {
    return post("/device/v1/sessions/" + sessionId + "/end", new JsonObject().put("reason", reason)
        .put("bytesSent", usage.bytesSent()).put("bytesReceived", usage.bytesReceived()).put("path", usage.path()))
        .mapEmpty();
  }

  private Future<JsonObject> post(String path, JsonObject body) {
    return client.post(path).timeout(15_000).sendJsonObject(body)
        .recover(e -> Future.failedFuture(new DeviceChannelException(0, e.getMessage())))
        .compose(r -> expect(r, 200));
  }

  private static List<JsonObject> objects(JsonArray array) {
    return array == null ? List.of() : array.stream().map(JsonObject.class::cast).toList();
  }

  public Future<Void> result(String commandId, CommandResult result) {
    return client.post("/device/v1/commands/" + commandId + "/result")
        .timeout(15_000)
        .sendJsonObject(resultBody(result))
        .recover(e -> Future.failedFuture(new DeviceChannelException(0, e.getMessage())))
        .compose(r -> expect(r, 200))
        .mapEmpty();
  }

  /** A command result as the device posts it, to the device channel and to application servers alike. */
  static JsonObject resultBody(CommandResult result) {
    JsonObject body = new JsonObject().put("status", result.status().wireName());
    if (result.code() != null) {
      body.put("code", result.code());
    }
    if (result.dataJson() != null) {
      body.put("data", Json.decodeValue(result.dataJson()));
    }
    if (result.payload() != null) {
      body.put("payload", java.util.Base64.getEncoder().encodeToString(result.payload()))
          .put("contentType", result.payloadType());
    }
    return body;
  }

  /** Where this client calls. */
  public URI base() {
    return base;
  }

  /**
   * The device's address list since the version it holds: the whole list or the changes (see {@link
   * AddressBook#apply}), or null when the held version is current (304).
   */
  public Future<JsonObject> addressList(long since) {
    return client.get("/device/v1/address-list").addQueryParam("since", Long.toString(since)).timeout(15_000).send()
        .recover(e -> Future.failedFuture(new DeviceChannelException(0, e.getMessage())))
        .compose(r -> r.statusCode() == 304 ? Future.succeededFuture(null) : expect(r, 200));
  }

  /** Reports how a call to an application server went, after an application wake. */
  public Future<Void> applicationCall(String applicationServer, boolean succeeded, String reason, String detail) {
    JsonObject body = new JsonObject().put("applicationServer", applicationServer)
        .put("outcome", succeeded ? "succeeded" : "failed");
    if (!succeeded) {
      body.put("reason", reason).put("detail", detail == null ? "" : detail);
    }
    return client.post("/device/v1/application-calls").timeout(15_000).sendJsonObject(body)
        .recover(e -> Future.failedFuture(new DeviceChannelException(0, e.getMessage())))
        .compose(r -> r.statusCode() == 204 ? Future.succeededFuture() : expect(r, 204).mapEmpty());
  }

  public Future<Void> close() {
    client.close();
    return Future.succeededFuture();
  }

  private static Future<JsonObject> expect(HttpResponse<Buffer> r, int status) {
    if (r.statusCode() != status) {
      String detail = r.bodyAsString();
      try {
        detail = new JsonObject(detail).getString("detail", detail);
      } catch (RuntimeException ignored) {
        // not a problem document
      }
      return Future.failedFuture(new DeviceChannelException(r.statusCode(),
          "device channel answered " + r.statusCode() + ": " + detail));
    }
    return Future.succeededFuture(r.bodyAsJsonObject());
  }
}
