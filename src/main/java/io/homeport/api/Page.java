package io.homeport.api;

import io.homeport.http.QueryParams;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The {@code offset}/{@code limit} window of a list request, echoed in the list answer. */
record Page(int offset, int limit) {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;

  static Page of(QueryParams query) {
    return new Page(query.integer("offset", 0, 0, Integer.MAX_VALUE),
        query.integer("limit", DEFAULT_LIMIT, 1, MAX_LIMIT));
  }

  /** {@code {"items": [...], "offset": .., "limit": ..}}. */
  JsonObject answer(JsonArray items) {
    return new JsonObject().put("items", items).put("offset", offset).put("limit", limit);
  }
}
