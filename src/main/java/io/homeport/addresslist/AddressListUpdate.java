package io.homeport.addresslist;

import java.util.List;
import java.util.Map;

/** The answer to a device that holds some version of its list and asks for the current one. */
public sealed interface AddressListUpdate {

  /** The device holds the current version. */
  record Current(long version) implements AddressListUpdate {}

  /** The whole current list: the device replaces what it holds. */
  record Full(EffectiveAddressList list) implements AddressListUpdate {}

  /**
   * What changed since the version the device holds: entries added or changed, and ids removed.
   *
   * @param since the version the changes apply to
   */
  record Delta(long version, long since, Map<String, AddressListEntry> upserts, List<String> removes)
      implements AddressListUpdate {
    public Delta {
      upserts = AddressListPublication.sorted(upserts);
      removes = List.copyOf(removes);
    }
  }
}
