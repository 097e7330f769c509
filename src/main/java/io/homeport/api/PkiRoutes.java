package io.homeport.api;

import io.homeport.device.DeviceService;
import io.homeport.pki.Pem;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * What application servers verify devices with (DESIGN 4): the device CA certificate as PEM and its
 * revocation list as DER, the list issued anew on every revocation, deletion and re-enrollment.
 */
final class PkiRoutes {
  static final String CA_PATH = "/api/v1/pki/ca.pem";
  static final String CRL_PATH = "/api/v1/pki/crl";

  private final DeviceService devices;
  private final String caPem;

  PkiRoutes(DeviceService devices) {
    this.devices = devices;
    this.caPem = Pem.encodeCertificate(devices.caCertificate());
  }

  /** @param readers every role, the application role included */
  void mount(Router router, Authorize readers) {
    router.get(CA_PATH).handler(readers).handler(ctx -> ctx.response()
        .putHeader("Content-Type", "application/x-pem-file").end(caPem));
    router.get(CRL_PATH).handler(readers).handler(this::revocationList);
  }

  private void revocationList(RoutingContext ctx) {
    devices.revocationList().der().onComplete(der -> {
      if (der.failed()) {
        ctx.fail(der.cause());
      } else {
        ctx.response().putHeader("Content-Type", "application/pkix-crl")
            .putHeader("Cache-Control", "no-cache").end(Buffer.buffer(der.result()));
      }
    });
  }
}
