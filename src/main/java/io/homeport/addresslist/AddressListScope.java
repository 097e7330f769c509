package io.homeport.addresslist;

import io.homeport.device.DeviceIds;
import io.homeport.refusal.Refusal;
import java.util.Comparator;

/**
 * Which devices a list is for: every device ({@code global}) or the devices of one group
 * ({@code group:NAME}, NAME of the form of a device name).
 *
 * @param group the group; null for {@code global}
 */
public record AddressListScope(String group) implements Comparable<AddressListScope> {
  public static final AddressListScope GLOBAL = new AddressListScope(null);
  private static final String GLOBAL_NAME = "global";
  private static final String GROUP_PREFIX = "group:";
  /** {@code global} first, then the groups by name: the order of listings. */
  private static final Comparator<AddressListScope> ORDER = Comparator.comparing(AddressListScope::group,
      Comparator.nullsFirst(Comparator.naturalOrder()));

  public AddressListScope {
    if (group != null && !DeviceIds.NAME.matcher(group).matches()) {
      throw new IllegalArgumentException("not a group name: " + group);
    }
  }

  public static AddressListScope ofGroup(String group) {
    return new AddressListScope(group);
  }

  /**
   * The scope a path segment names.
   *
   * @throws Refusal.NotFound {@code unknown-scope} for anything but {@code global} and {@code group:NAME}
   */
  public static AddressListScope parse(String text) {
    if (GLOBAL_NAME.equals(text)) {
      return GLOBAL;
    }
    if (text != null && text.startsWith(GROUP_PREFIX)
        && DeviceIds.NAME.matcher(text.substring(GROUP_PREFIX.length())).matches()) {
      return new AddressListScope(text.substring(GROUP_PREFIX.length()));
    }
    String shown = text == null ? "null" : text.length() > 80 ? text.substring(0, 77) + "..." : text;
    throw new Refusal.NotFound("unknown-scope", "'" + shown + "' is not an address-list scope: 'global' or "
        + "'group:NAME' (NAME 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit)");
  }

  /** {@code global} or {@code group:NAME}. */
  public String wireName() {
    return group == null ? GLOBAL_NAME : GROUP_PREFIX + group;
  }

  @Override
  public int compareTo(AddressListScope other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return wireName();
  }
}
