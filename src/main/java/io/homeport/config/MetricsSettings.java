package io.homeport.config;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Where {@code /metrics} is served and who may read it.
 *
 * @param access {@link Access#TOKEN}: any valid API token (any role), like {@code /api/v1}; {@link Access#OPEN}: no token
 * @param bind the management listener's address; used only when {@code port} is not 0
 * @param port 0: {@code /metrics} is served on the API listener; otherwise on a separate management listener
 */
public record MetricsSettings(Access access, String bind, int port) {
  /** Who may read {@code /metrics}. */
  public enum Access {
    TOKEN,
    OPEN;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Access> fromWireName(String s) {
      for (Access a : values()) {
        if (a.wireName().equals(s)) return Optional.of(a);
      }
      return Optional.empty();
    }
  }

  /** Token-protected, on the API listener. */
  public static final MetricsSettings DEFAULT = new MetricsSettings(Access.TOKEN, "127.0.0.1", 0);

  public MetricsSettings {
    Objects.requireNonNull(access, "access");
    Objects.requireNonNull(bind, "bind");
  }

  /** True when {@code /metrics} has a listener of its own. */
  public boolean separateListener() {
    return port != 0;
  }
}
