package io.homeport.store;

/** A unique value is already taken. */
public final class DuplicateException extends StoreException {
  private final String field;

  public DuplicateException(String field, String message) {
    super(message);
    this.field = field;
  }

  /** The taken field, for example {@code id} or {@code name}. */
  public String field() {
    return field;
  }
}
