package io.homeport.config;

/** The configuration is invalid; the message names the setting and what is wrong with it. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
