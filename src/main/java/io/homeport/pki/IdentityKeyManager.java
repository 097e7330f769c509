package io.homeport.pki;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents one private key and its certificate chain, held in memory. Unlike a key manager built
 * from a PKCS#12 key store (which encrypts the key on the way in and decrypts it on the way out, two
 * PBKDF2 derivations of thousands of HMAC rounds each), it costs nothing to create: it matters where
 * many device agents start at once, as in the benches.
 */
public final class IdentityKeyManager extends X509ExtendedKeyManager {
  private static final String ALIAS = "identity";

  private final PrivateKey key;
  private final X509Certificate[] chain;

  public IdentityKeyManager(PrivateKey key, List<X509Certificate> chain) {
    this.key = Objects.requireNonNull(key, "key");
    if (chain == null || chain.isEmpty()) {
      throw new IllegalArgumentException("certificate chain must not be empty");
    }
    this.chain = chain.toArray(X509Certificate[]::new);
  }

  /** The alias when the peer accepts this key's type ("EC", or "EC_EC" style in TLS 1.2 server suites). */
  private String aliasFor(String... keyTypes) {
    if (keyTypes == null) {
      return ALIAS;
    }
    String algorithm = key.getAlgorithm();
    for (String type : keyTypes) {
      if (type != null && (type.equals(algorithm) || type.startsWith(algorithm + "_"))) {
        return ALIAS;
      }
    }
    return null;
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return aliasFor(keyType) == null ? null : new String[] {ALIAS};
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    return aliasFor(keyTypes);
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
    return aliasFor(keyTypes);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return getClientAliases(keyType, issuers);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return aliasFor(keyType);
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return aliasFor(keyType);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return ALIAS.equals(alias) ? chain.clone() : null;
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return ALIAS.equals(alias) ? key : null;
  }
}
