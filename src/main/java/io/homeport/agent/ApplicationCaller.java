package io.homeport.agent;

import io.homeport.command.CommandResult;
import io.homeport.pki.IdentityKeyManager;
import io.homeport.pki.SpkiPinTrustManager;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.TrustOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device's call to an application server after an application wake (DESIGN 4): mutual TLS to the
 * address-list entry's URL (its host resolved by DNS at the call) with the device certificate as client
 * certificate, the server verified by the entry alone, by its SPKI {@code pins} or by WebPKI (the JDK
 * trust store and the URL's host name), never by the device CA. Then the reference protocol (README, "For
 * vendors: running an application server"): {@code POST <url>/homeport/v1/call} answers the requests the
 * server holds for the device, each is run through the {@link CommandHandler}, and its result is posted
 * to {@code POST <url>/homeport/v1/requests/{id}/result}.
 *
 * <p>Every call completes with an {@link Outcome}, never a failed future: what went wrong is its reason.
 */
public final class ApplicationCaller implements ApplicationCalls {
  private static final Logger LOG = LoggerFactory.getLogger(ApplicationCaller.class);
  /** How long one HTTP exchange (the connection included) may take by default. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);
  static final String CALL_PATH = "/homeport/v1/call";
  static final String RESULT_PATH = "/homeport/v1/requests/";

  /**
   * How a call went.
   *
   * @param reason null on success; else a short machine reason: {@code tls-pin-mismatch} (the server's key
   *     matches no pin), {@code tls-untrusted} (WebPKI refused the certificate or host name), {@code
   *     tls-failed} (another handshake failure, the server refusing the device certificate included), {@code
   *     dns-failed}, {@code connect-failed}, {@code timeout}, {@code http-<status>} (the server answered
   *     another status), {@code bad-response} (not the protocol's JSON), {@code bad-entry} (the entry's URL
   *     or pins are unusable)
   * @param detail a sentence for people (logs, the failure event)
   * @param requests how many requests the server handed out and got a result for
   */
  public record Outcome(boolean success, String reason, String detail, int requests) {
    static Outcome succeeded(int requests, String detail) {
      return new Outcome(true, null, detail, requests);
    }

    static Outcome failed(String reason, String detail) {
      return new Outcome(false, reason, detail, 0);
    }
  }

  /** A call that stopped; carries its outcome through the composed futures. */
  private static final class Stopped extends RuntimeException {
    final Outcome outcome;

    Stopped(Outcome outcome) {
      super(outcome.detail(), null, false, false);
      this.outcome = outcome;
    }
  }

  private final Vertx vertx;
  private final String deviceId;
  private final PrivateKey key;
  private final List<X509Certificate> chain;
  private final CommandHandler handler;
  private final Duration timeout;

  /** A caller presenting the bundle's device certificate. */
  public ApplicationCaller(Vertx vertx, DeviceBundle bundle, CommandHandler handler) {
    this(vertx, bundle, handler, DEFAULT_TIMEOUT);
  }

  /** @param timeout how long one HTTP exchange (connection, request, answer) may take */
  public ApplicationCaller(Vertx vertx, DeviceBundle bundle, CommandHandler handler, Duration timeout) {
    this.vertx = vertx;
    this.deviceId = bundle.deviceId();
    this.key = bundle.privateKey();
    this.chain = bundle.certificateChain();
    this.handler = handler;
    this.timeout = timeout;
  }

  /**
   * Calls the application server of this entry, runs the requests it hands out and posts their results.
   * Runs on the caller's context; never blocks it.
   *
   * @param applicationServerId the id the wake named (sent to the server, used in logs)
   * @param entry the device's address-list entry for that id
   * @return the outcome; never a failed future
   */
  @Override
  public Future<Outcome> call(String applicationServerId, AddressBook.Entry entry) {
    URI url;
    WebClient client;
    try {
      url = URI.create(entry.url());
      client = WebClient.create(vertx, options(url, entry));
    } catch (IllegalArgumentException e) {
      return Future.succeededFuture(Outcome.failed("bad-entry",
          "the entry of '" + applicationServerId + "' is unusable: " + e.getMessage()));
    }
    String base = url.getRawPath() == null || url.getRawPath().equals("/") ? ""
        : url.getRawPath().replaceAll("/+$", "");
    Future<Outcome> outcome = client.post(base + CALL_PATH).timeout(timeout.toMillis())
        .sendJsonObject(new JsonObject().put("applicationServer", applicationServerId))
        .recover(e -> Future.failedFuture(new Stopped(connectionFailure(e))))
        .compose(r -> requests(expect(r)))
        .compose(requests -> runAll(client, base, requests))
        .map(n -> Outcome.succeeded(n, "called " + entry.url() + ": " + n + " request(s) run and reported"))
        .otherwise(e -> e instanceof Stopped s ? s.outcome : Outcome.failed("bad-response", String.valueOf(e.getMessage())))
        .onComplete(o -> client.close());
    return outcome.onSuccess(o -> {
      if (o.success()) {
        LOG.info("device {}: application server {}: {}", deviceId, applicationServerId, o.detail());
      } else {
        LOG.warn("device {}: application server {} failed ({}): {}", deviceId, applicationServerId, o.reason(), o.detail());
      }
    });
  }

  private WebClientOptions options(URI url, AddressBook.Entry entry) {
    if (!"https".equals(url.getScheme()) || url.getHost() == null) {
      throw new IllegalArgumentException("not an https://host URL: " + entry.url());
    }
    WebClientOptions options = new WebClientOptions()
        .setSsl(true)
        .setDefaultHost(url.getHost().replace("[", "").replace("]", ""))
        .setDefaultPort(url.getPort() > 0 ? url.getPort() : 443)
        .setKeyCertOptions(KeyCertOptions.wrap(new IdentityKeyManager(key, chain)))
        .setConnectTimeout((int) timeout.toMillis())
        .setKeepAlive(true);
    if (entry.webPki()) {
      // no trust options: the JDK's default trust store; and the URL's host name must match
      return options.setVerifyHost(true);
    }
    // the pin is the whole check: not the device CA, and no host name (the entry names the key)
    return options.setTrustOptions(TrustOptions.wrap(new SpkiPinTrustManager(entry.pins()))).setVerifyHost(false);
  }

  /** The requests of the call's answer, each an object with an id. */
  private static Future<List<JsonObject>> requests(JsonObject answer) {
    if (!(answer.getValue("requests") instanceof JsonArray array)) {
      return Future.failedFuture(new Stopped(Outcome.failed("bad-response", "the answer has no 'requests' list")));
    }
    List<JsonObject> out = new ArrayList<>();
    for (Object r : array) {
      if (!(r instanceof JsonObject o) || !(o.getValue("id") instanceof String id) || id.isEmpty()) {
        return Future.failedFuture(new Stopped(Outcome.failed("bad-response", "a request without an id: " + r)));
      }
      out.add(o);
    }
    return Future.succeededFuture(out);
  }

  /** Runs the requests one after the other, posting each result before the next runs. */
  private Future<Integer> runAll(WebClient client, String base, List<JsonObject> requests) {
    Future<Void> chain = Future.succeededFuture();
    for (JsonObject request : requests) {
      String id = request.getString("id");
      chain = chain.compose(v -> handler.handle(request)
          .recover(e -> Future.succeededFuture(new CommandResult(CommandResult.Status.ERROR, "handler-failed", null)))
          .compose(result -> client.post(base + RESULT_PATH + encode(id) + "/result").timeout(timeout.toMillis())
              .sendJsonObject(DeviceChannelClient.resultBody(result))
              .recover(e -> Future.failedFuture(new Stopped(connectionFailure(e))))
              .map(r -> {
                expect(r);
                return null;
              })));
    }
    return chain.map(requests.size());
  }

  private static String encode(String segment) {
    return java.net.URLEncoder.encode(segment, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** The answer's JSON object when it is 200; stops the call otherwise. */
  private static JsonObject expect(HttpResponse<Buffer> r) {
    if (r.statusCode() != 200) {
      String body = r.bodyAsString();
      throw new Stopped(Outcome.failed("http-" + r.statusCode(), "the application server answered " + r.statusCode()
          + (body == null || body.isBlank() ? "" : ": " + (body.length() > 200 ? body.substring(0, 200) + "..." : body))));
    }
    try {
      JsonObject json = r.bodyAsJsonObject();
      return json == null ? new JsonObject() : json;
    } catch (RuntimeException e) {
      throw new Stopped(Outcome.failed("bad-response", "the application server's answer is not a JSON object"));
    }
  }

  /** Names what kept a request from being answered: DNS, the connection, TLS, time (the most specific cause wins). */
  static Outcome connectionFailure(Throwable e) {
    Throwable t;
    if ((t = cause(e, SpkiPinTrustManager.PinMismatch.class)) != null) {
      return Outcome.failed("tls-pin-mismatch", t.getMessage());
    }
    if ((t = cause(e, CertificateException.class)) != null) {
      return Outcome.failed("tls-untrusted", "the server's certificate is not trusted: " + t.getMessage());
    }
    if ((t = cause(e, UnknownHostException.class)) != null) {
      return Outcome.failed("dns-failed", "the host name does not resolve: " + t.getMessage());
    }
    if ((t = cause(e, SSLException.class)) != null) {
      return Outcome.failed("tls-failed", "the TLS handshake failed: " + t.getMessage());
    }
    if ((t = cause(e, TimeoutException.class)) != null || (t = cause(e, ConnectTimeoutException.class)) != null) {
      return Outcome.failed("timeout", "no answer in time: " + t.getMessage());
    }
    return Outcome.failed("connect-failed", "cannot connect: " + e.getMessage());
  }

  /** The first throwable of this type in the cause chain, or null. */
  private static Throwable cause(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return t;
      }
    }
    return null;
  }
}
