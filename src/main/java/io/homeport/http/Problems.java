package io.homeport.http;

import io.homeport.refusal.Refusal;
import io.vertx.core.json.DecodeException;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every failure on an HTTP server into an RFC 9457 response: domain refusals keep their reason,
 * framework errors (authentication, body size, unknown route) get a problem of their own, and
 * anything unexpected becomes a 500 whose log line carries an id the response also shows.
 */
public final class Problems {
  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

  private Problems() {}

  /** A failure handler for a router: {@code router.route().failureHandler(Problems::handleFailure)}. */
  public static void handleFailure(RoutingContext ctx) {
    from(ctx.failure(), ctx.statusCode()).send(ctx);
  }

  /** A 404 for routes nobody serves. */
  public static void notFound(RoutingContext ctx) {
    new Problem(404, "not-found", "Not found", "no resource at " + ctx.request().method() + " " + ctx.request().path())
        .send(ctx);
  }

  static Problem from(Throwable failure, int statusCode) {
    if (failure instanceof ProblemException pe) {
      return pe.problem();
    }
    if (failure instanceof Refusal refusal) {
      return of(refusal);
    }
    if (failure instanceof DecodeException) {
      return Problem.badRequest("malformed-json", "the request body is not valid JSON");
    }
    int status = failure instanceof HttpException he ? he.getStatusCode() : statusCode;
    switch (status) {
      case 401:
        return new Problem(401, "unauthenticated", "Unauthenticated",
            "a valid bearer token is required (Authorization: Bearer <token>)");
      case 403:
        return new Problem(403, "forbidden", "Forbidden", "the token's role does not allow this");
      case 404:
        return new Problem(404, "not-found", "Not found", "no such resource");
      case 405:
        return new Problem(405, "method-not-allowed", "Method not allowed", "the resource does not support this method");
      case 413:
        return new Problem(413, "body-too-large", "Request body too large", "the request body exceeds the limit");
      case 415:
        return new Problem(415, "unsupported-media-type", "Unsupported media type", "send application/json");
      default:
        if (status >= 400 && status < 500) {
          return new Problem(status, "bad-request", "Bad request",
              failure != null && failure.getMessage() != null ? failure.getMessage() : "the request was refused");
        }
        String id = UUID.randomUUID().toString();
        LOG.error("internal error {} while serving a request", id, failure);
        return new Problem(500, "internal-error", "Internal error", "an internal error occurred; log reference " + id);
    }
  }

  /** The problem a refusal is answered with, also where a response is sent without the failure handler. */
  public static Problem of(Refusal refusal) {
    Problem p = new Problem(status(refusal), refusal.problem(), title(refusal), refusal.getMessage());
    if (refusal instanceof Refusal.TooMany tooMany) {
      p = p.with(Problem.RETRY_AFTER, tooMany.retryAfterSeconds());
    }
    return refusal.field() == null ? p : p.with("field", refusal.field());
  }

  private static int status(Refusal refusal) {
    if (refusal instanceof Refusal.Invalid) return 400;
    if (refusal instanceof Refusal.Unauthenticated) return 401;
    if (refusal instanceof Refusal.Forbidden) return 403;
    if (refusal instanceof Refusal.NotFound) return 404;
    if (refusal instanceof Refusal.Conflict) return 409;
    if (refusal instanceof Refusal.Gone) return 410;
    if (refusal instanceof Refusal.TooMany) return 429;
    return 503; // Unavailable
  }

  private static String title(Refusal refusal) {
    if (refusal instanceof Refusal.Invalid) return "Invalid request";
    if (refusal instanceof Refusal.Unauthenticated) return "Unauthenticated";
    if (refusal instanceof Refusal.Forbidden) return "Forbidden";
    if (refusal instanceof Refusal.NotFound) return "Not found";
    if (refusal instanceof Refusal.Conflict) return "Conflict";
    if (refusal instanceof Refusal.Gone) return "Gone";
    if (refusal instanceof Refusal.TooMany) return "Too many requests";
    return "Unavailable";
  }
}
