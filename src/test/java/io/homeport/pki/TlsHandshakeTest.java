package io.homeport.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real JSSE handshakes on loopback between a server built from ServerPki and device clients. */
@Timeout(60)
class TlsHandshakeTest {
  private static final int TIMEOUT_MS = 10_000;
  private static final int PAYLOAD = 42;

  @TempDir
  Path tmp;

  private ServerPki pki;
  private ExecutorService executor;
  private volatile String revokedSerial = "";
  private DeviceClientTrustManager trust;

  /**
   * What the server saw: the peer's identity from the session (null without a client certificate),
   * the protocol, and whether the per-request {@link DeviceClientTrustManager#authorize} admitted it.
   */
  private record Seen(DeviceIdentity identity, String protocol, boolean authorized) {}

  @BeforeEach
  void setUp() {
    pki = TestCerts.pki(tmp, "localhost", "127.0.0.1");
    executor = Executors.newSingleThreadExecutor();
  }

  @AfterEach
  void tearDown() {
    executor.shutdownNow();
  }

  @Test
  @DisplayName("Verifies that an accepted device completes a mutual TLS 1.3 handshake and the server learns its device id")
  void acceptedDevice() throws Exception {
    // given
    TestCerts.Device device = TestCerts.device(pki.certificateAuthority(), "dev-1");
    SSLContext client = TlsContexts.clientContext(device.keys().getPrivate(), device.chain(), pki.caCertificate());

    try (SSLServerSocket server = server()) {
      Future<Seen> seen = serveOnce(server);

      // when
      int received = exchange(client, server.getLocalPort());

      // then
      assertThat(received).isEqualTo(PAYLOAD);
      Seen result = seen.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
      assertThat(result.identity()).isEqualTo(new DeviceIdentity("dev-1", device.issued().serialHex()));
      assertThat(result.authorized()).isTrue();
      assertThat(result.protocol()).isEqualTo("TLSv1.3");
    }
  }

  @Test
  @DisplayName("Verifies that a refused (revoked) device fails the handshake and receives nothing")
  void refusedDevice() throws Exception {
    // given
    TestCerts.Device device = TestCerts.device(pki.certificateAuthority(), "dev-1");
    revokedSerial = device.issued().serialHex();
    SSLContext client = TlsContexts.clientContext(device.keys().getPrivate(), device.chain(), pki.caCertificate());

    try (SSLServerSocket server = server()) {
      Future<Seen> seen = serveOnce(server);

      // when
      int received;
      try {
        received = exchange(client, server.getLocalPort());
      } catch (IOException e) {
        received = -2;
      }

      // then
      assertThat(received).isNotEqualTo(PAYLOAD);
      assertThatThrownBy(() -> seen.get(TIMEOUT_MS, TimeUnit.MILLISECONDS))
          .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SSLHandshakeException.class)
          .hasRootCauseInstanceOf(CertificateException.class).rootCause().hasMessageContaining("not accepted");
    }
  }

  @Test
  @DisplayName("Verifies that a device revoked after connecting is refused on its next connections, resumed or not, without a restart")
  void revokedWhileRunning() throws Exception {
    // given: one running server; the device connects once while still accepted
    TestCerts.Device device = TestCerts.device(pki.certificateAuthority(), "dev-1");
    SSLContext client = TlsContexts.clientContext(device.keys().getPrivate(), device.chain(), pki.caCertificate());
    try (SSLServerSocket server = server()) {
      Future<Seen> first = serveOnce(server);
      assertThat(exchange(client, server.getLocalPort())).isEqualTo(PAYLOAD);
      assertThat(first.get(TIMEOUT_MS, TimeUnit.MILLISECONDS).identity()).isNotNull();

      // when: it is revoked, then reconnects with the same TLS client (which may resume its session)
      // and after a reboot (a fresh TLS client, full handshake)
      revokedSerial = device.issued().serialHex();
      Future<Seen> resumed = serveOnce(server);
      exchangeQuietly(client, server.getLocalPort());
      Future<Seen> rebooted = serveOnce(server);
      exchangeQuietly(TlsContexts.clientContext(device.keys().getPrivate(), device.chain(), pki.caCertificate()),
          server.getLocalPort());

      // then: neither gets a device identity admitted (the trust manager refuses the full handshake,
      // authorize() refuses what a resumed session skipped past it)
      assertThat(admitted(resumed)).isFalse();
      assertThat(admitted(rebooted)).isFalse();
    }
  }

  /** True if the server handshake succeeded and a per-request authorize() accepted the peer. */
  private static boolean admitted(Future<Seen> seen) throws Exception {
    try {
      return seen.get(TIMEOUT_MS, TimeUnit.MILLISECONDS).authorized();
    } catch (ExecutionException e) {
      assertThat(e).hasCauseInstanceOf(SSLHandshakeException.class);
      return false;
    }
  }

  private static void exchangeQuietly(SSLContext context, int port) {
    try {
      exchange(context, port);
    } catch (IOException e) {
      // a refused handshake
    }
  }

  @Test
  @DisplayName("Verifies that an enrolling device without a certificate connects through the CA pin and is seen as anonymous")
  void enrollingDevice() throws Exception {
    // given
    SSLContext client = TlsContexts.pinnedContext(Fingerprints.sha256(pki.caCertificate()));

    try (SSLServerSocket server = server()) {
      Future<Seen> seen = serveOnce(server);

      // when
      int received = exchange(client, server.getLocalPort());

      // then
      assertThat(received).isEqualTo(PAYLOAD);
      assertThat(seen.get(TIMEOUT_MS, TimeUnit.MILLISECONDS).identity()).isNull();
    }
  }

  @Test
  @DisplayName("Verifies that an enrolling device with a wrong CA pin refuses the server")
  void wrongPin() throws Exception {
    // given
    byte[] wrongPin = Fingerprints.sha256(TestCerts.pki(tmp.resolve("other"), "localhost").caCertificate());
    SSLContext client = TlsContexts.pinnedContext(wrongPin);

    try (SSLServerSocket server = server()) {
      Future<Seen> seen = serveOnce(server);

      // when / then
      assertThatThrownBy(() -> exchange(client, server.getLocalPort())).isInstanceOf(SSLHandshakeException.class);
      assertThatThrownBy(() -> seen.get(TIMEOUT_MS, TimeUnit.MILLISECONDS)).isInstanceOf(ExecutionException.class);
    }
  }

  /** The device channel as the server will run it: client certificates wanted, checked per handshake. */
  private SSLServerSocket server() throws IOException {
    trust = new DeviceClientTrustManager(pki.caCertificate(), (id, serial) -> !serial.equals(revokedSerial));
    SSLContext context = TlsContexts.serverContext(pki.serverKey(), pki.serverChain(), trust);
    SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory()
        .createServerSocket(0, 1, InetAddress.getLoopbackAddress());
    server.setWantClientAuth(true);
    server.setSoTimeout(TIMEOUT_MS);
    return server;
  }

  private Future<Seen> serveOnce(SSLServerSocket server) {
    return executor.submit(() -> {
      try (SSLSocket socket = (SSLSocket) server.accept()) {
        socket.setSoTimeout(TIMEOUT_MS);
        socket.startHandshake();
        SSLSession session = socket.getSession();
        DeviceIdentity identity;
        boolean authorized;
        try {
          Certificate[] peer = session.getPeerCertificates();
          identity = DeviceIdentity.from((X509Certificate) peer[0]);
          authorized = authorized(List.of(peer));
        } catch (SSLPeerUnverifiedException e) {
          identity = null;
          authorized = false;
        }
        OutputStream out = socket.getOutputStream();
        out.write(PAYLOAD);
        out.flush();
        // wait for the client to read and close, so the byte is not lost to an early reset
        socket.getInputStream().read();
        return new Seen(identity, session.getProtocol(), authorized);
      }
    });
  }

  private boolean authorized(List<Certificate> peer) {
    try {
      trust.authorize(peer);
      return true;
    } catch (CertificateException e) {
      return false;
    }
  }

  /** Connects, handshakes and reads one byte (-1 at end of stream). */
  private static int exchange(SSLContext context, int port) throws IOException {
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT_MS);
      socket.setSoTimeout(TIMEOUT_MS);
      socket.startHandshake();
      InputStream in = socket.getInputStream();
      return in.read();
    }
  }
}
