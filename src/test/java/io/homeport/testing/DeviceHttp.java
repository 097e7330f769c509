package io.homeport.testing;

import io.homeport.agent.DeviceBundle;
import io.homeport.pki.Fingerprints;
import io.homeport.pki.TlsContexts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A test's view of the device channel as one device sees it (its certificate), or as a caller without one. */
public final class DeviceHttp {
  private final HttpClient client;
  private final URI base;

  private DeviceHttp(HttpClient client, URI base) {
    this.client = client;
    this.base = base;
  }

  /** Calls as the device of this bundle, with its client certificate. */
  public static DeviceHttp as(TestServer server, DeviceBundle bundle) {
    return as(server.deviceChannel(), bundle);
  }

  /** Calls the device channel at {@code deviceChannel} (a server process) as the device of this bundle. */
  public static DeviceHttp as(URI deviceChannel, DeviceBundle bundle) {
    return new DeviceHttp(HttpClient.newBuilder().sslContext(TlsContexts.clientContext(bundle.privateKey(),
        bundle.certificateChain(), bundle.caCertificate())).connectTimeout(Duration.ofSeconds(5)).build(),
        deviceChannel);
  }

  /** Calls without a client certificate, trusting the server by the bundle's CA. */
  public static DeviceHttp anonymous(TestServer server, DeviceBundle bundle) {
    return new DeviceHttp(HttpClient.newBuilder().sslContext(TlsContexts.pinnedContext(
        Fingerprints.sha256(bundle.caCertificate()))).connectTimeout(Duration.ofSeconds(5)).build(),
        server.deviceChannel());
  }

  /** A request with a JSON body (none for null). */
  public HttpResponse<String> send(String method, String path, String body) throws Exception {
    return client.send(HttpRequest.newBuilder(base.resolve(path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
  }
}
