package io.homeport.api;

import io.homeport.auth.Role;
import io.homeport.http.Problem;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;
import java.util.Set;

/** Lets a request through only when its (already authenticated) token carries one of the roles. */
final class Authorize implements Handler<RoutingContext> {
  private final Set<Role> allowed;

  private Authorize(Set<Role> allowed) {
    this.allowed = allowed;
  }

  static Authorize roles(Role first, Role... more) {
    return new Authorize(EnumSet.of(first, more));
  }

  @Override
  public void handle(RoutingContext ctx) {
    Role role = ctx.user() == null ? null : Role.fromClaim(ctx.user().principal().getString("role")).orElse(null);
    if (role != null && allowed.contains(role)) {
      ctx.next();
    } else {
      new Problem(403, "forbidden", "Forbidden",
          "this operation needs one of the roles " + allowed.stream().map(Role::claim).toList()
              + (role == null ? "; the token carries no known role" : "; the token has role " + role.claim()))
          .send(ctx);
    }
  }
}
