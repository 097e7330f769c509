package io.homeport.cluster;

import io.homeport.agent.DeviceBundle;
import io.homeport.testing.Ports;
import io.homeport.testing.TestServer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Two clustered nodes in this JVM on one PostgreSQL schema and one data directory, started in order (A is the oldest). */
final class TestCluster {
  private TestCluster() {}

  /**
   * Starts node A, then node B.
   *
   * @param extraForB more settings of node B (as environment variables)
   * @return node A and node B
   */
  static List<TestServer> start(Path dataDir, String storeUrl, Map<String, String> extraForB) throws Exception {
    int portA = Ports.freeTcp();
    int portB = Ports.freeTcp();
    String members = "127.0.0.1:" + portA + ",127.0.0.1:" + portB;
    TestServer nodeA = TestServer.startClustered(TestServer.config(dataDir, node(storeUrl, members, portA, Map.of())));
    try {
      return List.of(nodeA, TestServer.startClustered(TestServer.config(dataDir,
          node(storeUrl, members, portB, extraForB))));
    } catch (Exception e) {
      nodeA.close();
      throw e;
    }
  }

  private static Map<String, String> node(String storeUrl, String members, int port, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(Map.of("HOMEPORT_STORE_URL", storeUrl, "HOMEPORT_CLUSTER_ENABLED", "true",
        "HOMEPORT_CLUSTER_MEMBERS", members, "HOMEPORT_CLUSTER_PORT", String.valueOf(port)));
    env.putAll(extra);
    return env;
  }

  /** The bundle with {@code node}'s beacon and device channel: the device's traffic reaches that node. */
  static DeviceBundle toward(TestServer node, DeviceBundle b) {
    return new DeviceBundle(b.deviceId(), "127.0.0.1", node.server().beaconPort(), 0,
        "https://localhost:" + node.server().deviceChannelPort(), b.keepaliveIntervalSeconds(), b.privateKeyPem(),
        b.certificateChainPem(), b.caCertificatePem(), b.beaconKey());
  }
}
