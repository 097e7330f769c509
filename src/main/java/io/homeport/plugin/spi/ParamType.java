package io.homeport.plugin.spi;

/** JSON types a parameter can take. */
public enum ParamType {
  STRING, INTEGER, NUMBER, BOOLEAN,
  /** One of {@link ParamSpec#allowed()}. */
  ENUM,
  /** A list whose elements are each one of {@link ParamSpec#allowed()}. */
  ENUM_LIST
}
