package io.homeport.relay;

import io.homeport.rendezvous.SessionNotice;
import io.homeport.rendezvous.TurnIssuer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * TURN REST API credentials (draft-uberti-behave-turn-rest, what coturn's {@code use-auth-secret}
 * checks): {@code username = expiry:sessionId} with the expiry in Unix seconds, {@code password =
 * base64(HMAC-SHA1(secret, username))}. The expiry is the session's: a TURN service refuses the
 * credentials once the session's time is up, and nothing renews them after its end.
 */
public final class TurnCredentials implements TurnIssuer {
  private final List<String> urls;
  private final SecretKeySpec key;

  public TurnCredentials(List<String> urls, String secret) {
    this.urls = List.copyOf(urls);
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1");
  }

  @Override
  public SessionNotice.TurnGrant issue(String sessionId, Instant expiresAt, Instant now) {
    long expiry = expiresAt.getEpochSecond(); // rounded down: never past the session's expiry
    String username = expiry + ":" + sessionId;
    return new SessionNotice.TurnGrant(urls, username, password(username),
        Math.max(0, expiry - now.getEpochSecond()));
  }

  private String password(String username) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(key);
      return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA1 is unavailable", e);
    }
  }
}
