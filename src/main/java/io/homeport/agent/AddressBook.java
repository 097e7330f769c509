package io.homeport.agent;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device's own table of application servers (DESIGN 4): the effective address list the server
 * last gave it, with its version. The device looks a wake's application-server id up here and calls
 * only what it finds. Kept in {@value #FILE} in the bundle directory (written whole, then moved into
 * place, so a crash leaves the old list or the new one), so it survives a restart. Thread-safe.
 */
public final class AddressBook {
  private static final Logger LOG = LoggerFactory.getLogger(AddressBook.class);
  public static final String FILE = "address-list.json";
  /** The entry that moves the device's keepalives to another beacon. */
  public static final String BEACON = "homeport:beacon";
  /** The entry that moves the device's device-channel calls to another server. */
  public static final String DEVICE_CHANNEL = "homeport:device-channel";

  /**
   * One application server: where it is and how the device authenticates it.
   *
   * @param pins SHA-256 SPKI pins, base64; empty when {@code webPki}
   * @param webPki verified by the JDK trust store and a host-name check
   */
  public record Entry(String url, List<String> pins, boolean webPki) {
    public Entry {
      pins = List.copyOf(pins);
    }

    static Entry fromJson(JsonObject json) {
      List<String> pins = new ArrayList<>();
      for (Object p : json.getJsonArray("pins", new JsonArray())) {
        pins.add(String.valueOf(p));
      }
      return new Entry(json.getString("url"), pins, "webpki".equals(json.getString("trust")));
    }

    JsonObject toJson() {
      JsonObject json = new JsonObject().put("url", url);
      if (webPki) {
        json.put("trust", "webpki");
      } else if (!pins.isEmpty()) {
        json.put("pins", new JsonArray(pins));
      }
      return json;
    }
  }

  private final Path file;
  private long version;
  private Map<String, Entry> entries = Map.of();

  private AddressBook(Path file) {
    this.file = file;
  }

  /** An address book in memory only (tests, benchmarks): empty at version 0. */
  public static AddressBook inMemory() {
    return new AddressBook(null);
  }

  /** The address book kept in this bundle directory; empty at version 0 when none is there yet. */
  public static AddressBook load(Path bundleDir) throws IOException {
    AddressBook book = new AddressBook(bundleDir.resolve(FILE));
    if (Files.exists(book.file)) {
      JsonObject json;
      try {
        json = new JsonObject(Files.readString(book.file));
      } catch (RuntimeException e) {
        throw new IOException(book.file + " is not valid JSON; delete it and the agent fetches the list again");
      }
      book.version = json.getLong("version", 0L);
      book.entries = entries(json.getJsonObject("entries", new JsonObject()));
    }
    return book;
  }

  public synchronized long version() {
    return version;
  }

  public synchronized Optional<Entry> entry(String applicationServerId) {
    return Optional.ofNullable(entries.get(applicationServerId));
  }

  public synchronized Map<String, Entry> entries() {
    return entries;
  }

  /**
   * Takes what the device channel answered to {@code GET /device/v1/address-list?since=V}: the whole
   * list ({@code full}) or the changes since the version held. A delta from another version than the one
   * held is refused (the caller fetches the whole list). Stored before it returns.
   *
   * @return false when the update did not apply to the version held
   */
  public synchronized boolean apply(JsonObject update) {
    long newVersion = update.getLong("version");
    Map<String, Entry> next;
    if (update.getBoolean("full", false)) {
      next = entries(update.getJsonObject("entries", new JsonObject()));
    } else {
      if (update.getLong("since", -1L) != version) {
        return false;
      }
      next = new LinkedHashMap<>(entries);
      for (Object id : update.getJsonArray("removes", new JsonArray())) {
        next.remove(String.valueOf(id));
      }
      next.putAll(entries(update.getJsonObject("upserts", new JsonObject())));
    }
    JsonObject stored = new JsonObject().put("version", newVersion).put("entries", json(next));
    if (file != null) {
      try {
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling(FILE + ".tmp");
        Files.writeString(temporary, stored.encodePrettily() + "\n");
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot store the address list in " + file, e);
      }
    }
    LOG.debug("address list version {} -> {} ({} entries)", version, newVersion, next.size());
    version = newVersion;
    entries = Map.copyOf(next);
    return true;
  }

  private static Map<String, Entry> entries(JsonObject json) {
    Map<String, Entry> out = new LinkedHashMap<>();
    for (String id : json.fieldNames()) {
      out.put(id, Entry.fromJson(json.getJsonObject(id)));
    }
    return out;
  }

  private static JsonObject json(Map<String, Entry> entries) {
    JsonObject json = new JsonObject();
    entries.forEach((id, e) -> json.put(id, e.toJson()));
    return json;
  }
}
