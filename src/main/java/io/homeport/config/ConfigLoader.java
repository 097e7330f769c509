package io.homeport.config;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Loads {@link HomeportConfig}: the embedded defaults (the documented {@code config/homeport.yaml},
 * packaged in the jar), then an optional file, then {@code HOMEPORT_*} environment variables. Unknown
 * settings and invalid values fail with a {@link ConfigException} naming the setting.
 */
public final class ConfigLoader {

  /** Classpath location of the packaged copy of {@code config/homeport.yaml}. */
  public static final String DEFAULTS_RESOURCE = "/homeport.yaml";

  /** Every setting, by dotted path. */
  public static final List<String> SETTINGS = List.of(
      "dataDir", "publicHosts",
      "beacon.bind", "beacon.port", "beacon.publicPort", "beacon.altPort", "beacon.keepaliveInterval", "beacon.offlineGrace",
      "deviceChannel.bind", "deviceChannel.port", "deviceChannel.publicPort",
      "api.bind", "api.port",
      "store.url", "store.passwordFile", "store.poolSize",
      "cluster.enabled", "cluster.members", "cluster.host", "cluster.port", "cluster.busPort",
      "enrollment.tokenTtl", "enrollment.certificateValidity",
      "commands.resultTimeout",
      "plugins.directory",
      "metrics.access", "metrics.bind", "metrics.port",
      "events.retentionMaxAge", "events.retentionMaxCount", "events.streamBufferEvents", "events.streamStallTimeout",
      "sessions.defaultDuration", "sessions.maxDuration", "sessions.consentTimeout", "sessions.extendAfter",
      "sessions.requestsPerMinute",
      "relay.bind", "relay.port", "relay.publicPort", "relay.maxSessionBytes", "relay.turn.urls", "relay.turn.secret",
      "auth.externalIssuer", "auth.externalJwksFile");

  private ConfigLoader() {}

  /** Loads defaults, then {@code file} when not null, then the given environment. */
  public static HomeportConfig load(Path file, Map<String, String> env) {
    Map<String, Object> values = new LinkedHashMap<>();
    flatten("", parseYaml(defaultsText(), DEFAULTS_RESOURCE), values);
    if (file != null) {
      String text;
      try {
        text = Files.readString(file);
      } catch (IOException e) {
        throw new ConfigException("configuration file " + file + " cannot be read: " + e.getMessage());
      }
      flatten("", parseYaml(text, file.toString()), values);
    }
    for (String key : SETTINGS) {
      String value = env.get(envName(key));
      if (value != null) {
        values.put(key, value);
      }
    }
    return build(values, env);
  }

  /**
   * The PostgreSQL password's environment variable. It is no setting of the file on purpose: a password
   * belongs in the environment or in a file of its own ({@code store.passwordFile}), not in the
   * configuration.
   */
  public static final String STORE_PASSWORD_ENV = "HOMEPORT_STORE_PASSWORD";

  /** {@code beacon.keepaliveInterval -> HOMEPORT_BEACON_KEEPALIVE_INTERVAL}. */
  public static String envName(String key) {
    return "HOMEPORT_" + key.replace(".", "_").replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
  }

  private static Map<?, ?> parseYaml(String text, String source) {
    try {
      Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
      if (root == null) {
        return Map.of();
      }
      if (!(root instanceof Map<?, ?> map)) {
        throw new ConfigException(source + ": expected a mapping of settings at the top level");
      }
      return map;
    } catch (YAMLException e) {
      throw new ConfigException(source + " is not valid YAML: " + e.getMessage());
    }
  }

  private static void flatten(String prefix, Map<?, ?> map, Map<String, Object> out) {
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = prefix + e.getKey();
      if (e.getValue() instanceof Map<?, ?> nested) {
        flatten(key + ".", nested, out);
      } else if (SETTINGS.contains(key)) {
        out.put(key, e.getValue());
      } else {
        throw new ConfigException("unknown setting '" + key + "' (known settings: " + String.join(", ", SETTINGS) + ")");
      }
    }
  }

  private static HomeportConfig build(Map<String, Object> v, Map<String, String> env) {
    Duration interval = get(v, "beacon.keepaliveInterval", ConfigLoader::positiveDuration);
    Duration grace = get(v, "beacon.offlineGrace", ConfigLoader::positiveDuration);
    if (grace.compareTo(interval) <= 0) {
      throw new ConfigException("beacon.offlineGrace (" + Durations.format(grace)
          + ") must be longer than beacon.keepaliveInterval (" + Durations.format(interval) + ")");
    }
    if (interval.toSeconds() < 1 || interval.toMillis() % 1000 != 0) {
      throw new ConfigException("beacon.keepaliveInterval must be a whole number of seconds, at least 1s");
    }
    HomeportConfig.StoreSettings store = store(v, env);
    return new HomeportConfig(
        get(v, "dataDir", s -> Path.of(nonEmpty(s))),
        get(v, "publicHosts", ConfigLoader::hosts),
        endpoint(v, "beacon"),
        get(v, "beacon.altPort", ConfigLoader::port),
        interval,
        grace,
        endpoint(v, "deviceChannel"),
        new Endpoint(get(v, "api.bind", ConfigLoader::bindAddress), get(v, "api.port", ConfigLoader::port), 0),
        store,
        get(v, "enrollment.tokenTtl", ConfigLoader::positiveDuration),
        get(v, "enrollment.certificateValidity", ConfigLoader::positiveDuration),
        get(v, "commands.resultTimeout", ConfigLoader::positiveDuration),
        get(v, "plugins.directory", s -> Path.of(nonEmpty(s))),
        metrics(v),
        new HomeportConfig.Events(
            get(v, "events.retentionMaxAge", ConfigLoader::positiveDuration),
            get(v, "events.retentionMaxCount", o -> positiveLong(o, Long.MAX_VALUE)),
            get(v, "events.streamBufferEvents", o -> (int) positiveLong(o, 10_000_000)),
            get(v, "events.streamStallTimeout", ConfigLoader::positiveDuration)),
        sessions(v),
        new HomeportConfig.Relay(endpoint(v, "relay"),
            get(v, "relay.maxSessionBytes", o -> positiveLong(o, Long.MAX_VALUE)), turn(v)),
        externalIssuer(v), cluster(v, store));
  }

  private static HomeportConfig.Sessions sessions(Map<String, Object> v) {
    Duration defaultDuration = get(v, "sessions.defaultDuration", ConfigLoader::positiveDuration);
    Duration max = get(v, "sessions.maxDuration", ConfigLoader::positiveDuration);
    if (defaultDuration.compareTo(max) > 0) {
      throw new ConfigException("sessions.defaultDuration (" + Durations.format(defaultDuration)
          + ") must not be longer than sessions.maxDuration (" + Durations.format(max) + ")");
    }
    double extendAfter = get(v, "sessions.extendAfter", o -> {
      double d;
      try {
        d = o instanceof Number n ? n.doubleValue() : Double.parseDouble(nonEmpty(o));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("expected a number from 0 to 1, got '" + o + "'");
      }
      if (!(d >= 0 && d <= 1)) {
        throw new IllegalArgumentException("expected a number from 0 to 1, got " + d);
      }
      return d;
    });
    return new HomeportConfig.Sessions(defaultDuration, max,
        get(v, "sessions.consentTimeout", ConfigLoader::positiveDuration), extendAfter,
        get(v, "sessions.requestsPerMinute", o -> (int) positiveLong(o, 1_000_000)));
  }

  /** Both settings or neither: credentials are only worth handing out for a service that checks them. */
  private static HomeportConfig.Turn turn(Map<String, Object> v) {
    List<String> urls = get(v, "relay.turn.urls", o -> {
      List<String> out = new ArrayList<>();
      Object raw = o instanceof String text ? Arrays.asList(text.split(",")) : o;
      if (raw instanceof List<?> list) {
        for (Object u : list) {
          String url = u == null ? "" : u.toString().trim();
          if (url.isEmpty()) {
            continue;
          }
          if (!url.matches("turns?:[^\\s?]+(\\?transport=(udp|tcp))?")) {
            throw new IllegalArgumentException("'" + url + "' is not a TURN url (turn:HOST:PORT or turns:HOST:PORT, "
                + "optionally ?transport=udp|tcp)");
          }
          out.add(url);
        }
      } else if (raw != null) {
        throw new IllegalArgumentException("expected a list of TURN urls");
      }
      return out;
    });
    String secret = get(v, "relay.turn.secret", o -> o == null ? "" : o.toString());
    if (urls.isEmpty() != secret.isEmpty()) {
      throw new ConfigException("relay.turn.urls and relay.turn.secret go together: set both to hand out TURN "
          + "credentials (the secret is coturn's static-auth-secret), or neither");
    }
    return urls.isEmpty() ? null : new HomeportConfig.Turn(urls, secret);
  }

  /** Both settings or neither: the issuer's tokens are trusted only with its keys. */
  private static HomeportConfig.ExternalIssuer externalIssuer(Map<String, Object> v) {
    String issuer = get(v, "auth.externalIssuer", o -> o == null ? "" : o.toString().trim());
    String file = get(v, "auth.externalJwksFile", o -> o == null ? "" : o.toString().trim());
    if (issuer.isEmpty() != file.isEmpty()) {
      throw new ConfigException("auth.externalIssuer and auth.externalJwksFile go together: set both to trust an "
          + "external issuer, or neither");
    }
    if (issuer.equals(HomeportConfig.TOKEN_ISSUER)) {
      throw new ConfigException("auth.externalIssuer must differ from Homeport's own issuer '" + issuer + "'");
    }
    return issuer.isEmpty() ? null : new HomeportConfig.ExternalIssuer(issuer, Path.of(file));
  }

  /** Cluster mode needs the PostgreSQL store: SQLite is one process's file. */
  private static HomeportConfig.Cluster cluster(Map<String, Object> v, HomeportConfig.StoreSettings store) {
    boolean enabled = get(v, "cluster.enabled", ConfigLoader::bool);
    List<String> members = get(v, "cluster.members", o -> {
      if (o == null || (o instanceof String s && s.isBlank())) {
        return List.of();
      }
      List<String> out = new ArrayList<>();
      for (String m : o instanceof List<?> list ? list.stream().map(String::valueOf).toList()
          : Arrays.asList(o.toString().split(","))) {
        String member = m.trim();
        if (!member.matches("[A-Za-z0-9.:\\[\\]-]+:[0-9]{1,5}")) {
          throw new IllegalArgumentException("'" + member + "' is not host:port");
        }
        out.add(member);
      }
      return out;
    });
    String host = get(v, "cluster.host", s -> nonEmpty(s).trim());
    int port = get(v, "cluster.port", ConfigLoader::port);
    int busPort = get(v, "cluster.busPort", ConfigLoader::port);
    if (enabled && busPort != 0 && busPort == port) {
      throw new ConfigException("cluster.busPort (" + busPort + ") must differ from cluster.port, Hazelcast's port");
    }
    if (enabled && store.url().isEmpty()) {
      throw new ConfigException("cluster.enabled needs the PostgreSQL store: set store.url = "
          + "postgresql://user@host:port/database (the embedded SQLite database is one process's file and cannot be "
          + "shared by nodes)");
    }
    if (enabled && members.isEmpty()) {
      throw new ConfigException("cluster.enabled needs cluster.members: the host:port of the nodes to join "
          + "(TCP-IP join; there is no multicast discovery)");
    }
    return new HomeportConfig.Cluster(enabled, members, host, port, busPort);
  }

  /**
   * {@code store.url} empty (SQLite) or {@code postgresql://user@host[:port]/database}, the password from
   * {@link #STORE_PASSWORD_ENV} or {@code store.passwordFile} (its first line), never from the url.
   */
  private static HomeportConfig.StoreSettings store(Map<String, Object> v, Map<String, String> env) {
    String url = get(v, "store.url", s -> s == null ? "" : s.toString().trim());
    int poolSize = get(v, "store.poolSize", o -> (int) positiveLong(o, 1000));
    String passwordFile = get(v, "store.passwordFile", s -> s == null ? "" : s.toString().trim());
    String password = env.get(STORE_PASSWORD_ENV);
    if (url.isEmpty()) {
      return new HomeportConfig.StoreSettings("", null, poolSize);
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new ConfigException("store.url is not a URL: " + e.getMessage());
    }
    if (!"postgresql".equals(uri.getScheme())) {
      throw new ConfigException("store.url must be empty (the embedded SQLite database) or a PostgreSQL URL "
          + "postgresql://user@host:port/database, got scheme '" + uri.getScheme() + "'");
    }
    if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2 || uri.getUserInfo() == null) {
      throw new ConfigException("store.url must name user, host and database: postgresql://user@host:port/database");
    }
    if (uri.getUserInfo().contains(":")) {
      // the url is logged and shown; say so without repeating it
      throw new ConfigException("store.url must not contain a password: give it in " + STORE_PASSWORD_ENV
          + " or in the file named by store.passwordFile");
    }
    if (password != null && !passwordFile.isEmpty()) {
      throw new ConfigException("the PostgreSQL password is given twice, in " + STORE_PASSWORD_ENV
          + " and in store.passwordFile: give one");
    }
    if (!passwordFile.isEmpty()) {
      password = readPassword(Path.of(passwordFile));
    }
    return new HomeportConfig.StoreSettings(url, password, poolSize);
  }

  private static String readPassword(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      if (lines.isEmpty() || lines.get(0).isEmpty()) {
        throw new ConfigException("store.passwordFile " + file + " is empty");
      }
      return lines.get(0);
    } catch (IOException e) {
      throw new ConfigException("store.passwordFile " + file + " cannot be read: " + e.getMessage());
    }
  }

  private static MetricsSettings metrics(Map<String, Object> v) {
    MetricsSettings.Access access = get(v, "metrics.access", o -> MetricsSettings.Access.fromWireName(nonEmpty(o))
        .orElseThrow(() -> new IllegalArgumentException("expected 'token' or 'open', got '" + o + "'")));
    int port = get(v, "metrics.port", o -> o == null || o.toString().isBlank() ? 0 : port(o));
    String bind = get(v, "metrics.bind", o -> o == null || o.toString().isBlank() ? "127.0.0.1" : bindAddress(o));
    int apiPort = get(v, "api.port", ConfigLoader::port);
    if (port != 0 && port == apiPort) {
      throw new ConfigException("metrics.port (" + port + ") is the API port; set it to 0 to serve /metrics on the API listener");
    }
    return new MetricsSettings(access, bind, port);
  }

  private static long positiveLong(Object o, long max) {
    long n;
    try {
      n = o instanceof Number num ? num.longValue() : Long.parseLong(nonEmpty(o).replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected a whole number, got '" + o + "'");
    }
    if (n < 1 || n > max) {
      throw new IllegalArgumentException("expected a whole number from 1 to " + max + ", got " + n);
    }
    return n;
  }

  private static Endpoint endpoint(Map<String, Object> v, String prefix) {
    return new Endpoint(
        get(v, prefix + ".bind", ConfigLoader::bindAddress),
        get(v, prefix + ".port", ConfigLoader::port),
        get(v, prefix + ".publicPort", ConfigLoader::port));
  }

  private static <T> T get(Map<String, Object> values, String key, Function<Object, T> parser) {
    try {
      return parser.apply(values.get(key));
    } catch (RuntimeException e) {
      throw new ConfigException("invalid setting " + key + " (environment " + envName(key) + "): " + e.getMessage());
    }
  }

  private static boolean bool(Object o) {
    if (o instanceof Boolean b) {
      return b;
    }
    String text = nonEmpty(o).trim();
    if (!text.equals("true") && !text.equals("false")) {
      throw new IllegalArgumentException("expected true or false, got '" + text + "'");
    }
    return Boolean.parseBoolean(text);
  }

  private static String nonEmpty(Object o) {
    if (o == null || o.toString().isBlank()) {
      throw new IllegalArgumentException("must not be empty");
    }
    return o.toString().trim();
  }

  private static int port(Object o) {
    int p;
    try {
      p = o instanceof Number n ? n.intValue() : Integer.parseInt(nonEmpty(o));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected a port number 0-65535, got '" + o + "'");
    }
    if (p < 0 || p > 65535) {
      throw new IllegalArgumentException("expected a port number 0-65535, got " + p);
    }
    return p;
  }

  private static Duration positiveDuration(Object o) {
    Duration d = Durations.parse(nonEmpty(o));
    if (d.isZero()) {
      throw new IllegalArgumentException("must be longer than zero");
    }
    return d;
  }

  private static String bindAddress(Object o) {
    String s = nonEmpty(o);
    if (!isIpLiteral(s)) {
      throw new IllegalArgumentException("expected an IP address to bind, such as 0.0.0.0, 127.0.0.1 or ::, got '" + s + "'");
    }
    return s;
  }

  private static List<String> hosts(Object o) {
    List<String> hosts = new ArrayList<>();
    if (o instanceof List<?> list) {
      list.forEach(e -> hosts.add(String.valueOf(e).trim()));
    } else {
      Arrays.stream(nonEmpty(o).split(",")).map(String::trim).forEach(hosts::add);
    }
    if (hosts.isEmpty() || hosts.stream().anyMatch(String::isEmpty)) {
      throw new IllegalArgumentException("expected at least one host name or IP address, none empty");
    }
    for (String h : hosts) {
      if (!isIpLiteral(h) && !h.matches("(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*")) {
        throw new IllegalArgumentException("'" + h + "' is neither a DNS name nor an IP address");
      }
    }
    return hosts;
  }

  /** True for IPv4 dotted quads and IPv6 literals; never does a DNS lookup. */
  public static boolean isIpLiteral(String s) {
    boolean shaped = s.matches("\\d{1,3}(\\.\\d{1,3}){3}") || (s.contains(":") && s.matches("[0-9a-fA-F:.]+"));
    if (!shaped) {
      return false;
    }
    try {
      InetAddress.getByName(s); // a literal of this shape is parsed, not resolved
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The packaged defaults as text. */
  public static String defaultsText() {
    try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULTS_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("packaged defaults " + DEFAULTS_RESOURCE + " are missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
