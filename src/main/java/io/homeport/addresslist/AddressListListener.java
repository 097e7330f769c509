package io.homeport.addresslist;

/**
 * Hears each urgent publication once the store holds it (the server wakes the online devices it
 * affects), and each regrouping mark this node assigned. Called from whatever thread completed the store
 * write: implementations hand the work to their own context and return at once.
 */
@FunctionalInterface
public interface AddressListListener {
  void published(AddressListPublication publication);

  /** A device's groups changed here and its list took version {@code mark} (a cluster tells its other nodes). */
  default void regrouped(String deviceId, long mark) {}
}
