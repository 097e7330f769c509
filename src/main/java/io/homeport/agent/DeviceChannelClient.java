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
    this.base = URI.create(bundle.deviceChannelUrl());
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
  public record Hello(List<JsonObject> commands, boolean more) {}

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
        .map(answer -> new Hello(answer.getJsonArray("commands", new JsonArray()).stream()
            .map(JsonObject.class::cast).toList(), answer.getBoolean("more", false)));
  }

  public Future<Void> result(String commandId, CommandResult result) {
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
    return client.post("/device/v1/commands/" + commandId + "/result")
        .timeout(15_000)
        .sendJsonObject(body)
        .recover(e -> Future.failedFuture(new DeviceChannelException(0, e.getMessage())))
        .compose(r -> expect(r, 200))
        .mapEmpty();
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
