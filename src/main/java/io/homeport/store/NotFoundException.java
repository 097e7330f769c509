package io.homeport.store;

/** The record a write refers to does not exist (or not in a state the write needs). */
public final class NotFoundException extends StoreException {
  public NotFoundException(String message) {
    super(message);
  }
}
