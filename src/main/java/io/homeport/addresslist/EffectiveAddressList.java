package io.homeport.addresslist;

import java.util.Map;

/**
 * What one device holds: the global list overlaid by its groups' lists, and its version (0 while no
 * publication touched the device). The entries iterate by id.
 */
public record EffectiveAddressList(long version, Map<String, AddressListEntry> entries) {
  public EffectiveAddressList {
    entries = AddressListPublication.sorted(entries);
  }
}
