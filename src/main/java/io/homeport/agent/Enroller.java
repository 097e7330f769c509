package io.homeport.agent;

import io.homeport.device.EnrollmentTokens;
import io.homeport.pki.DeviceCsr;
import io.homeport.pki.DeviceKeys;
import io.homeport.pki.Pem;
import io.homeport.pki.TlsContexts;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Base64;

/**
 * Enrolls this device: makes a key pair locally (the private key never leaves the device), sends a
 * CSR with the one-time token, and returns the bundle. The first TLS connection is authenticated by
 * the CA pin inside the token.
 */
public final class Enroller {
  private Enroller() {}

  /** Thrown when the server refuses: carries its problem detail. */
  public static final class EnrollmentRefused extends IOException {
    public EnrollmentRefused(String message) {
      super(message);
    }
  }

  /**
   * @param serverUrl the device channel, e.g. {@code https://homeport.example:7443}
   */
  public static DeviceBundle enroll(URI serverUrl, String token) throws IOException, InterruptedException {
    return enroll(serverUrl, token, null);
  }

  /**
   * Enrolls and writes what the device keeps into {@code bundleDir}: the bundle, and the initial address
   * list the enrollment answer carries (so the device knows its application servers before its first
   * keepalive).
   */
  public static DeviceBundle enrollInto(URI serverUrl, String token, java.nio.file.Path bundleDir)
      throws IOException, InterruptedException {
    Enrolled enrolled = send(serverUrl, token, null);
    enrolled.bundle().save(bundleDir);
    if (enrolled.addressList() != null) {
      AddressBook.load(bundleDir).apply(enrolled.addressList().copy().put("full", true));
    }
    return enrolled.bundle();
  }

  private record Enrolled(DeviceBundle bundle, JsonObject addressList) {}

  /**
   * @param csrDeviceId the device id to put in the CSR; null for the one the token names (other
   *     values exist to test that the server refuses them)
   */
  static DeviceBundle enroll(URI serverUrl, String token, String csrDeviceId) throws IOException, InterruptedException {
    return send(serverUrl, token, csrDeviceId).bundle();
  }

  private static Enrolled send(URI serverUrl, String token, String csrDeviceId) throws IOException, InterruptedException {
    EnrollmentTokens.Parsed parsed;
    try {
      parsed = EnrollmentTokens.parse(token);
    } catch (RuntimeException e) {
      throw new EnrollmentRefused(e.getMessage());
    }
    KeyPair keys = DeviceKeys.generate();
    String csr = DeviceCsr.create(keys, csrDeviceId != null ? csrDeviceId : parsed.deviceId());
    HttpClient client = HttpClient.newBuilder()
        .sslContext(TlsContexts.pinnedContext(parsed.caPin()))
        .connectTimeout(Duration.ofSeconds(10))
        .build();
    HttpRequest request = HttpRequest.newBuilder(serverUrl.resolve("/device/v1/enroll"))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("token", token).put("csr", csr).encode()))
        .build();
    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
    JsonObject body;
    try {
      body = new JsonObject(response.body());
    } catch (RuntimeException e) {
      throw new IOException("the server answered " + response.statusCode() + " with a body that is not JSON");
    }
    if (response.statusCode() != 200) {
      throw new EnrollmentRefused("enrollment refused (" + response.statusCode() + " " + body.getString("type", "")
          + "): " + body.getString("detail", response.body()));
    }
    JsonObject endpoints = body.getJsonObject("endpoints");
    JsonObject beacon = endpoints.getJsonObject("beacon");
    return new Enrolled(new DeviceBundle(body.getString("deviceId"), beacon.getString("host"), beacon.getInteger("port"),
        beacon.getInteger("altPort", 0),
        endpoints.getString("deviceChannel"), body.getInteger("keepaliveInterval"), Pem.encodePrivateKey(keys.getPrivate()),
        body.getString("certificateChain"), body.getString("caCertificate"),
        Base64.getDecoder().decode(body.getString("beaconKey"))), body.getJsonObject("addressList"));
  }
}
