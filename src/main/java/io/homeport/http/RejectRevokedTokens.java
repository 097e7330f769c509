package io.homeport.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Predicate;

/** Runs after token authentication: a token whose id ({@code jti}) was revoked is refused with 401. */
public final class RejectRevokedTokens implements Handler<RoutingContext> {
  private final Predicate<String> isRevoked;

  public RejectRevokedTokens(Predicate<String> isRevoked) {
    this.isRevoked = isRevoked;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (ctx.user() != null && isRevoked.test(ctx.user().principal().getString("jti"))) {
      new Problem(401, "token-revoked", "Token revoked", "this token was revoked; ask an admin for a new one").send(ctx);
    } else {
      ctx.next();
    }
  }
}
