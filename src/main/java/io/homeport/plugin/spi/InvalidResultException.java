package io.homeport.plugin.spi;

/** A device report a plugin cannot decode. */
public class InvalidResultException extends Exception {
  public InvalidResultException(String message) {
    super(message);
  }
}
