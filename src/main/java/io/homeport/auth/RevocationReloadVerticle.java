package io.homeport.auth;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the revoked token ids from the store on a timer ({@link TokenService#reloadRevocations}), so that a
 * token revoked by another process sharing the store (another node of a cluster, {@code homeport admin
 * rotate-token} run beside the server) is refused here within one interval.
 */
public final class RevocationReloadVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(RevocationReloadVerticle.class);

  private final TokenService tokens;
  private final long intervalMillis;
  private boolean reloading;

  public RevocationReloadVerticle(TokenService tokens, long intervalMillis) {
    this.tokens = tokens;
    this.intervalMillis = intervalMillis;
  }

  @Override
  public Future<?> start() {
    vertx.setPeriodic(intervalMillis, id -> reload());
    return Future.succeededFuture();
  }

  private void reload() {
    if (reloading) {
      return; // the previous reload is still running: the store is slow, do not pile up
    }
    reloading = true;
    tokens.reloadRevocations()
        .onFailure(e -> LOG.warn("could not reload the revoked tokens: {}", e.getMessage()))
        .onComplete(v -> reloading = false);
  }
}
