package io.homeport.pki;

/**
 * A certificate signing request was refused. The message is short and safe to return to the device
 * (it names the problem, never echoes the input). Unchecked so that it can cross future compositions;
 * callers map it to a 400-class answer.
 */
public final class InvalidCsrException extends RuntimeException {
  public InvalidCsrException(String message) {
    super(message);
  }

  public InvalidCsrException(String message, Throwable cause) {
    super(message, cause);
  }
}
