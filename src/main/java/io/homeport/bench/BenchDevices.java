package io.homeport.bench;

import io.homeport.server.HomeportServer;
import io.homeport.pki.Pem;
import io.homeport.agent.DeviceBundle;
import io.homeport.agent.KeepaliveSession;
import io.homeport.device.DeviceService;
import io.homeport.pki.DeviceCsr;
import io.homeport.pki.DeviceKeys;
import io.vertx.core.Future;
import java.io.PrintStream;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;

/** Devices for the keepalive benches, enrolled through the real path (CSR, certificate, beacon key). */
final class BenchDevices {
  private BenchDevices() {}

  /** Enrolls {@code n} devices named bench-000000... and returns a keepalive session for each, in order. */
  static List<KeepaliveSession> enroll(DeviceService devices, int n, PrintStream out) {
    out.printf("enrolling %d devices...%n", n);
    long start = System.nanoTime();
    // one key pair for all: the bench measures keepalives, not key generation
    KeyPair keys = DeviceKeys.generate();
    List<KeepaliveSession> sessions = new ArrayList<>(n);
    int batch = 64;
    for (int from = 0; from < n; from += batch) {
      List<Future<DeviceService.Enrolled>> inFlight = new ArrayList<>();
      for (int i = from; i < Math.min(n, from + batch); i++) {
        String id = String.format("bench-%06d", i);
        inFlight.add(devices.create(new DeviceService.NewDevice(id, null, "bench", null))
            .compose(created -> devices.enroll(created.enrollmentToken(), DeviceCsr.create(keys, id))));
      }
      for (Future<DeviceService.Enrolled> f : inFlight) {
        DeviceService.Enrolled e = f.await();
        sessions.add(new KeepaliveSession(e.device().id(), e.device().beaconKey(), System.currentTimeMillis()));
      }
    }
    out.printf("enrolled %d devices in %.1fs%n", n, (System.nanoTime() - start) / 1e9);
    return sessions;
  }

  /**
   * Enrolls device {@code id} through the real path with a key pair of its own, as a reference agent's
   * bundle that reaches the given beacon port and device channel.
   */
  static Future<DeviceBundle> bundle(HomeportServer server, String id, int beaconPort, int channelPort,
      int keepaliveSeconds) {
    KeyPair keys = DeviceKeys.generate();
    DeviceService devices = server.devices();
    return devices.create(new DeviceService.NewDevice(id, null, "bench", null))
        .compose(created -> devices.enroll(created.enrollmentToken(), DeviceCsr.create(keys, id)))
        .map(e -> new DeviceBundle(e.device().id(), "127.0.0.1", beaconPort, 0, "https://localhost:" + channelPort,
            keepaliveSeconds, Pem.encodePrivateKey(keys.getPrivate()), e.certificate().chainPem(),
            server.pki().caCertificatePem(), e.device().beaconKey()));
  }
}
