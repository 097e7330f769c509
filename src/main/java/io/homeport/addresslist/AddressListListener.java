package io.homeport.addresslist;

/**
 * Hears each urgent publication once the store holds it (the server wakes the online devices it
 * affects). Called from whatever thread completed the store write: implementations hand the work to
 * their own context and return at once.
 */
@FunctionalInterface
public interface AddressListListener {
  void published(AddressListPublication publication);
}
