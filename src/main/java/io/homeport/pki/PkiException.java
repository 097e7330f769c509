package io.homeport.pki;

/**
 * A key, certificate or PKI file could not be created, read or used. Messages name the file or the
 * operation, never key material.
 */
public class PkiException extends RuntimeException {
  public PkiException(String message) {
    super(message);
  }

  public PkiException(String message, Throwable cause) {
    super(message, cause);
  }
}
