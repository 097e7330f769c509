package io.homeport.agent;

import io.homeport.pki.Pem;
import io.homeport.pki.SecretFiles;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

/**
 * What a device holds after enrollment, as files in one directory: {@code bundle.json} (id and
 * endpoints), {@code device.key.pem} (0600), {@code device.crt.pem} (certificate chain),
 * {@code ca.crt.pem}, {@code beacon.key} (0600, base64). The PEM files work directly with
 * {@code curl --key device.key.pem --cert device.crt.pem --cacert ca.crt.pem}.
 *
 * @param beaconAltPort the beacon's second port for NAT mapping discovery; 0 when the server named none
 */
public record DeviceBundle(
    String deviceId,
    String beaconHost,
    int beaconPort,
    int beaconAltPort,
    String deviceChannelUrl,
    int keepaliveIntervalSeconds,
    String privateKeyPem,
    String certificateChainPem,
    String caCertificatePem,
    byte[] beaconKey) {

  public static final String METADATA_FILE = "bundle.json";
  public static final String KEY_FILE = "device.key.pem";
  public static final String CERTIFICATE_FILE = "device.crt.pem";
  public static final String CA_FILE = "ca.crt.pem";
  public static final String BEACON_KEY_FILE = "beacon.key";

  public void save(Path dir) throws IOException {
    SecretFiles.ensurePrivateDirectory(dir);
    JsonObject meta = new JsonObject()
        .put("deviceId", deviceId)
        .put("beacon", new JsonObject().put("host", beaconHost).put("port", beaconPort)
            .put("altPort", beaconAltPort))
        .put("deviceChannel", deviceChannelUrl)
        .put("keepaliveInterval", keepaliveIntervalSeconds);
    SecretFiles.writeSecret(dir.resolve(KEY_FILE), privateKeyPem);
    SecretFiles.writeSecret(dir.resolve(BEACON_KEY_FILE), Base64.getEncoder().encodeToString(beaconKey) + "\n");
    SecretFiles.writePublic(dir.resolve(CERTIFICATE_FILE), certificateChainPem);
    SecretFiles.writePublic(dir.resolve(CA_FILE), caCertificatePem);
    SecretFiles.writePublic(dir.resolve(METADATA_FILE), meta.encodePrettily() + "\n");
  }

  /** @throws IOException with the file name when a part is missing or unreadable */
  public static DeviceBundle load(Path dir) throws IOException {
    Path metaFile = dir.resolve(METADATA_FILE);
    if (!Files.exists(metaFile)) {
      throw new IOException("no device bundle in " + dir + " (missing " + METADATA_FILE + "; run `homeport device enroll` first)");
    }
    JsonObject meta;
    try {
      meta = new JsonObject(Files.readString(metaFile));
    } catch (RuntimeException e) {
      throw new IOException(metaFile + " is not valid JSON");
    }
    JsonObject beacon = meta.getJsonObject("beacon", new JsonObject());
    byte[] key;
    try {
      key = Base64.getDecoder().decode(Files.readString(dir.resolve(BEACON_KEY_FILE)).trim());
    } catch (IllegalArgumentException e) {
      throw new IOException(dir.resolve(BEACON_KEY_FILE) + " is not base64");
    }
    return new DeviceBundle(meta.getString("deviceId"), beacon.getString("host"), beacon.getInteger("port", 0),
        beacon.getInteger("altPort", 0),
        meta.getString("deviceChannel"), meta.getInteger("keepaliveInterval", 25),
        Files.readString(dir.resolve(KEY_FILE)), Files.readString(dir.resolve(CERTIFICATE_FILE)),
        Files.readString(dir.resolve(CA_FILE)), key);
  }

  public PrivateKey privateKey() {
    return Pem.decodePrivateKey(privateKeyPem);
  }

  public List<X509Certificate> certificateChain() {
    return Pem.decodeCertificates(certificateChainPem);
  }

  public X509Certificate caCertificate() {
    return Pem.decodeCertificate(caCertificatePem);
  }

  @Override
  public String toString() {
    return "DeviceBundle[" + deviceId + "]";
  }
}
