package io.homeport.store;

/** A conditional write found the record in another state than it requires. */
public final class ConflictException extends StoreException {
  public ConflictException(String message) {
    super(message);
  }
}
