package io.homeport.http;

import io.homeport.addresslist.AddressListEntry;
import io.homeport.addresslist.AddressListPublication;
import io.homeport.addresslist.AddressListRules;
import io.homeport.addresslist.AddressListUpdate;
import io.homeport.addresslist.EffectiveAddressList;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The wire form of address lists (DESIGN 4), the same on the operator API and the device channel: entries
 * are {@code {"<id>": {"url", "pins": [...]}}}, {@code {"url", "trust": "webpki"}}, or for the beacon
 * {@code {"url"}}.
 */
public final class AddressListJson {
  private static final String WEBPKI = "webpki";

  /** A parsed {@code PUT} body: the whole list and whether affected devices are woken at once. */
  public record Request(Map<String, AddressListEntry> entries, boolean urgent) {}

  private AddressListJson() {}

  /** {@code {"scope", "version", "publishedAt", "urgent", "entries"}}. */
  public static JsonObject of(AddressListPublication p) {
    return summary(p).put("entries", entries(p.entries()));
  }

  /** A scope in a listing: {@code {"scope", "version", "publishedAt", "urgent", "entryCount"}}. */
  public static JsonObject summary(AddressListPublication p) {
    return new JsonObject().put("scope", p.scope().wireName()).put("version", p.version())
        .put("publishedAt", p.publishedAt().toString()).put("urgent", p.urgent()).put("entryCount", p.entries().size());
  }

  /** {@code {"version", "entries"}}: a device's effective list. */
  public static JsonObject of(EffectiveAddressList list) {
    return new JsonObject().put("version", list.version()).put("entries", entries(list.entries()));
  }

  /**
   * What the device channel answers a device that is not current: {@code {"version", "full": true,
   * "entries"}} or {@code {"version", "full": false, "since", "upserts", "removes"}}.
   *
   * @throws IllegalArgumentException for {@link AddressListUpdate.Current}, which is answered by a 304
   */
  public static JsonObject of(AddressListUpdate update) {
    if (update instanceof AddressListUpdate.Full full) {
      return new JsonObject().put("version", full.list().version()).put("full", true)
          .put("entries", entries(full.list().entries()));
    }
    if (update instanceof AddressListUpdate.Delta delta) {
      return new JsonObject().put("version", delta.version()).put("full", false).put("since", delta.since())
          .put("upserts", entries(delta.upserts())).put("removes", new JsonArray(new ArrayList<>(delta.removes())));
    }
    throw new IllegalArgumentException("a current list has no body: " + update);
  }

  private static JsonObject entries(Map<String, AddressListEntry> entries) {
    JsonObject out = new JsonObject();
    entries.forEach((id, e) -> {
      JsonObject entry = new JsonObject().put("url", e.url());
      if (!e.pins().isEmpty()) {
        entry.put("pins", new JsonArray(new ArrayList<>(e.pins())));
      } else if (e.webPki()) {
        entry.put("trust", WEBPKI);
      }
      out.put(id, entry);
    });
    return out;
  }

  /**
   * Reads {@code {"entries": {...}, "urgent": false}}, refusing a malformed body naming the field ({@code
   * entries.<id>.<member>}); the values themselves are checked by {@link AddressListRules} when published.
   */
  public static Request parse(JsonObject body) {
    JsonBodies.onlyFields(body, Set.of("entries", "urgent"));
    Object urgent = body.getValue("urgent");
    if (urgent != null && !(urgent instanceof Boolean)) {
      throw JsonBodies.invalid("urgent", "'urgent' must be true or false");
    }
    if (!(body.getValue("entries") instanceof JsonObject list)) {
      throw JsonBodies.invalid("entries", "'entries' is required: an object of application-server ids to "
          + "{url, pins | trust} ({} for an empty list)");
    }
    if (list.size() > AddressListRules.MAX_ENTRIES) {
      throw JsonBodies.invalid("entries", "'entries' holds " + list.size() + " entries, at most "
          + AddressListRules.MAX_ENTRIES);
    }
    Map<String, AddressListEntry> entries = new LinkedHashMap<>();
    for (String id : list.fieldNames()) {
      AddressListRules.checkId(id);
      entries.put(id, entry(id, list.getValue(id)));
    }
    return new Request(entries, Boolean.TRUE.equals(urgent));
  }

  private static AddressListEntry entry(String id, Object value) {
    String field = "entries." + id;
    if (!(value instanceof JsonObject e)) {
      throw JsonBodies.invalid(field, "entry '" + id + "' must be an object {url, pins | trust}");
    }
    JsonBodies.onlyFields(e, Set.of("url", "pins", "trust"));
    if (!(e.getValue("url") instanceof String url)) {
      throw JsonBodies.invalid(field + ".url", "entry '" + id + "' needs a 'url' string");
    }
    Object trust = e.getValue("trust");
    if (trust != null && !WEBPKI.equals(trust)) {
      throw JsonBodies.invalid(field + ".trust", "'trust' can only be 'webpki'");
    }
    List<String> pins = pins(e.getValue("pins"), field + ".pins");
    if (trust != null && pins != null) {
      throw JsonBodies.invalid(field, "entry '" + id + "' has both 'pins' and 'trust'; give exactly one");
    }
    return trust != null ? AddressListEntry.webPki(url)
        : pins != null ? AddressListEntry.pinned(url, pins)
        : AddressListEntry.unverified(url);
  }

  /** The pins as given; null when absent. */
  private static List<String> pins(Object value, String field) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonArray array) || array.isEmpty() || array.size() > AddressListRules.MAX_PINS
        || !array.stream().allMatch(String.class::isInstance)) {
      throw JsonBodies.invalid(field, "'pins' must be a list of 1-" + AddressListRules.MAX_PINS
          + " SHA-256 SPKI pins (base64 strings)");
    }
    return array.stream().map(String.class::cast).toList();
  }
}
