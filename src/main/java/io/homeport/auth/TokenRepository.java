package io.homeport.auth;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Minted API tokens (their claims, not the tokens) and their revocation. */
public interface TokenRepository {

  Future<Void> create(TokenRecord token);

  Future<Optional<TokenRecord>> findById(String id);

  /** Newest first. */
  Future<List<TokenRecord>> list(int offset, int limit);

  /**
   * Marks the token revoked (idempotent: a second revoke keeps the first instant).
   *
   * @return the token as stored, empty when no such token was minted
   */
  Future<Optional<TokenRecord>> revoke(String id, Instant at);

  /** Ids of every revoked token, to load the in-memory revocation check at start. */
  Future<List<String>> revokedIds();
}
