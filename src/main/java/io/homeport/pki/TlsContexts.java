package io.homeport.pki;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Plain JSSE {@link SSLContext}s for TLS 1.3 (1.2 stays negotiable, as the design allows) built
 * from in-memory keys: for the device agent and for tests. The Vert.x server uses the PEMs from
 * {@link ServerPki} and wraps {@link DeviceClientTrustManager} instead.
 */
public final class TlsContexts {
  private TlsContexts() {}

  /** An enrolled device: presents its certificate chain, trusts only servers issued by the CA. */
  public static SSLContext clientContext(PrivateKey key, List<X509Certificate> chain, X509Certificate ca) {
    return context(keyManagers(key, chain), new CaTrustManager(ca));
  }

  /** A device enrolling: no client certificate yet, trusts the server only through the CA pin. */
  public static SSLContext pinnedContext(byte[] caSha256) {
    return context(null, new PinnedCaTrustManager(caSha256));
  }

  /** A server presenting {@code chain} and checking client certificates with {@code clientTrust}. */
  public static SSLContext serverContext(PrivateKey key, List<X509Certificate> chain, X509TrustManager clientTrust) {
    return context(keyManagers(key, chain), Objects.requireNonNull(clientTrust, "clientTrust"));
  }

  private static SSLContext context(KeyManager[] keyManagers, TrustManager trustManager) {
    try {
      SSLContext context = SSLContext.getInstance("TLSv1.3");
      context.init(keyManagers, new TrustManager[] {trustManager}, Crypto.RANDOM);
      return context;
    } catch (GeneralSecurityException e) {
      throw new PkiException("cannot create TLS context", e);
    }
  }

  private static KeyManager[] keyManagers(PrivateKey key, List<X509Certificate> chain) {
    return new KeyManager[] {new IdentityKeyManager(key, chain)};
  }
}
