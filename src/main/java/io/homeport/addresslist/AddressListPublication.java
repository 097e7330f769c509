package io.homeport.addresslist;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One published version of a scope's list: the whole list, replacing the scope's previous one (an empty
 * list is what {@code DELETE} publishes).
 *
 * @param version the store-assigned version, above every version assigned before it
 * @param urgent whether the publisher asked for the affected online devices to be woken at once
 * @param entries application-server id to entry, iterating by id
 */
public record AddressListPublication(AddressListScope scope, long version, Instant publishedAt, boolean urgent,
    Map<String, AddressListEntry> entries) {

  public AddressListPublication {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(publishedAt, "publishedAt");
    if (version < 1) {
      throw new IllegalArgumentException("versions start at 1: " + version);
    }
    entries = sorted(entries);
  }

  /** An unmodifiable copy that iterates by id. */
  static SortedMap<String, AddressListEntry> sorted(Map<String, AddressListEntry> entries) {
    return Collections.unmodifiableSortedMap(new TreeMap<>(entries));
  }
}
