package io.homeport.stun;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.EnumSet;

/**
 * Prints rough single-thread throughput of the keepalive hot path: decode + verify of a signed
 * keepalive, encode of a signed answer, and rejection of garbage. A tool, not a test; run with
 * {@code java -cp target/classes:target/test-classes io.homeport.stun.StunCodecBench}.
 */
public final class StunCodecBench {

  public static void main(String[] args) throws Exception {
    byte[] key = new byte[32];
    byte[] txid = StunMessage.randomTransactionId();
    byte[] keepalive =
        StunMessage.builder(StunMessage.BINDING_REQUEST, txid)
            .add(
                StunAttributes.username("device-000000042"),
                StunAttributes.sequence(17),
                StunAttributes.serverNonce(new byte[24]),
                StunAttributes.addressListVersion(3),
                StunAttributes.localEndpoint(
                    new InetSocketAddress(InetAddress.getByAddress(new byte[] {(byte) 192, (byte) 168, 1, 9}), 7400)))
            .messageIntegritySha256(key)
            .fingerprint()
            .encode();
    InetSocketAddress observed =
        new InetSocketAddress(InetAddress.getByAddress(new byte[] {(byte) 198, 18, 0, 9}), 40000);
    byte[] garbage = keepalive.clone();
    garbage[garbage.length - 1] ^= 1;

    for (int round = 0; round < 3; round++) {
      int n = 500_000;
      long sink = 0;
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        StunMessage m = StunCodec.decode(keepalive);
        sink += StunCodec.verifyIntegritySha256(m, key) ? 1 : 0;
        sink += StunAttributes.readSequence(m.attribute(StunAttributes.SEQUENCE).orElseThrow());
        sink += StunAttributes.readUsername(m.attribute(StunAttributes.USERNAME).orElseThrow()).length();
      }
      long t1 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        sink +=
            StunMessage.builder(StunMessage.BINDING_SUCCESS, txid)
                .add(
                    StunAttributes.xorMappedAddress(observed, txid),
                    StunAttributes.serverNonce(new byte[24]),
                    StunAttributes.keepaliveInterval(25),
                    StunAttributes.pending(EnumSet.of(StunAttributes.Pending.COMMANDS)),
                    StunAttributes.serverTime(System.currentTimeMillis()))
                .messageIntegritySha256(key)
                .fingerprint()
                .encode()
                .length;
      }
      long t2 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        try {
          StunCodec.decode(garbage);
        } catch (StunParseException e) {
          sink++;
        }
      }
      long t3 = System.nanoTime();
      System.out.printf(
          "round %d: keepalive decode+verify+read %.0f/s, answer encode %.0f/s, bad-fingerprint reject %.0f/s (sink %d)%n",
          round, n / ((t1 - t0) / 1e9), n / ((t2 - t1) / 1e9), n / ((t3 - t2) / 1e9), sink);
    }
  }
}
