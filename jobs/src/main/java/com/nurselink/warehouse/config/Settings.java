package com.nurselink.warehouse.config;

import com.nurselink.warehouse.util.Secrets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Resolved configuration of one invocation.
 *
 * <p>Precedence, lowest first: built-in defaults ({@link ConfigKey}) &lt; the environment's conf
 * file ({@code conf/<env>.conf}) &lt; environment variables ({@code NURSELINK_*}) &lt;
 * {@code --conf key=value} &lt; explicit command-line options. Unknown keys and values of the
 * wrong type are refused with a one-line message naming the key and where it came from. Secrets
 * may not be written in conf files: they come from the environment (or a secrets file named by
 * {@code NURSELINK_SECRETS_FILE}).
 */
public final class Settings {
  private final Map<String, String> values;
  private final Map<String, String> origins;

  private Settings(Map<String, String> values, Map<String, String> origins) {
    this.values = values;
    this.origins = origins;
  }

  /** Builder applying the documented precedence; call the layers in any order. */
  public static final class Builder {
    private String env = "dev";
    private Path confDir;
    private Map<String, String> environment = System.getenv();
    private final Map<String, String> overrides = new LinkedHashMap<>();
    private final Map<String, String> explicit = new LinkedHashMap<>();
    private boolean readConfFile = true;

    public Builder env(String env) { if (env != null) { this.env = env; } return this; }
    /** The directory of {@code <env>.conf}; without one, {@link #defaultConfDir()}. */
    public Builder confDir(Path dir) { this.confDir = dir; return this; }
    public Builder environment(Map<String, String> environment) { this.environment = environment; return this; }
    public Builder noConfFile() { this.readConfFile = false; return this; }

    /** A {@code --conf key=value} pair. */
    public Builder override(String keyEqualsValue) {
      int eq = keyEqualsValue.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException("--conf expects key=value, got '" + Secrets.clip(keyEqualsValue) + "'");
      }
      overrides.put(keyEqualsValue.substring(0, eq).trim(), keyEqualsValue.substring(eq + 1).trim());
      return this;
    }

    /** An explicit command-line option mapped to a key; null values are ignored. */
    public Builder explicit(ConfigKey key, Object value) {
      if (value != null) {
        explicit.put(key.name(), value.toString());
      }
      return this;
    }

    public Settings build() {
      if (!env.matches("[a-z][a-z0-9_-]{0,31}")) {
        throw new ConfigException("--env: '" + Secrets.clip(env) + "' is not an environment name");
      }
      Map<String, String> values = new TreeMap<>();
      Map<String, String> origins = new TreeMap<>();
      for (ConfigKey k : ConfigKey.all()) {
        if (k.defaultValue() != null) {
          values.put(k.name(), k.defaultValue());
          origins.put(k.name(), "default");
        }
      }
      if (readConfFile) {
        Path file = (confDir != null ? confDir : defaultConfDir()).resolve(env + ".conf");
        if (!Files.isRegularFile(file)) {
          throw new ConfigException("no configuration file for environment '" + env + "': " + notFound(file));
        }
        for (Map.Entry<String, String> e : parseConfFile(file).entrySet()) {
          ConfigKey k = known(e.getKey(), file.toString());
          if (k.secret() && !k.name().startsWith("source.") && e.getValue() != null
              && !e.getValue().isEmpty()) {
            throw new ConfigException(file + ": " + k.name()
                + " is a secret and may not be written in a conf file; set " + k.envVar());
          }
          values.put(k.name(), e.getValue());
          origins.put(k.name(), file.toString());
        }
      }
      values.put(ConfigKey.ENV.name(), env);
      origins.put(ConfigKey.ENV.name(), "--env");
      for (ConfigKey k : ConfigKey.all()) {
        String v = environment.get(k.envVar());
        if (v != null && !v.isEmpty()) {
          values.put(k.name(), v);
          origins.put(k.name(), "environment " + k.envVar());
        }
      }
      for (Map.Entry<String, String> e : overrides.entrySet()) {
        ConfigKey k = known(e.getKey(), "--conf");
        values.put(k.name(), e.getValue());
        origins.put(k.name(), "--conf");
      }
      for (Map.Entry<String, String> e : explicit.entrySet()) {
        values.put(e.getKey(), e.getValue());
        origins.put(e.getKey(), "command line");
      }
      for (Map.Entry<String, String> e : values.entrySet()) {
        ConfigKey k = ConfigKey.lookup(e.getKey());
        if (k != null && k.secret()) {
          Secrets.remember(e.getValue());
        }
      }
      Settings s = new Settings(values, origins);
      s.validate();
      return s;
    }

    /** Where the conf file was looked for: the file given, or every default directory that was tried. */
    private String notFound(Path file) {
      List<Path> tried = confDir != null || Files.isDirectory(LOCAL_CONF) ? List.of(file)
          : confDirCandidates(LOCAL_CONF, System.getProperty(HOME_PROPERTY)).stream()
              .map(d -> d.resolve(env + ".conf")).toList();
      List<String> shown = tried.stream().map(f -> f.isAbsolute() ? f.toString()
          : f + " (in " + Path.of("").toAbsolutePath() + ")").toList();
      return shown.size() == 1 ? shown.get(0) + " does not exist"
          : "neither " + String.join(" nor ", shown) + " exists (--conf-dir DIR reads DIR/" + env + ".conf)";
    }

    private static ConfigKey known(String name, String where) {
      ConfigKey k = ConfigKey.lookup(name);
      if (k == null) {
        throw new ConfigException(where + ": unknown configuration key '" + Secrets.clip(name)
            + "' (see README, Configuration)");
      }
      return k;
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** {@code conf/} of the working directory. */
  static final Path LOCAL_CONF = Path.of("conf");
  /** The system property naming the installation (the checkout {@code bin/nurselink} runs from). */
  public static final String HOME_PROPERTY = "nurselink.home";

  /**
   * The conf directory when none is given: {@code ./conf} when it exists, else the installation's
   * {@code conf/} (system property {@code nurselink.home}, set by {@code bin/nurselink}) when it exists,
   * else {@code ./conf}.
   */
  public static Path defaultConfDir() {
    return defaultConfDir(LOCAL_CONF, System.getProperty(HOME_PROPERTY));
  }

  static Path defaultConfDir(Path local, String home) {
    for (Path d : confDirCandidates(local, home)) {
      if (Files.isDirectory(d)) {
        return d;
      }
    }
    return local;
  }

  /** The directories tried for conf files, in order: {@code local}, then {@code <home>/conf}. */
  static List<Path> confDirCandidates(Path local, String home) {
    if (home == null || home.isBlank()) {
      return List.of(local);
    }
    Path installed = Path.of(home).resolve("conf").toAbsolutePath().normalize();
    return installed.equals(local.toAbsolutePath().normalize()) ? List.of(local) : List.of(local, installed);
  }

  /** Settings from defaults only (tests, library use). */
  public static Settings defaults() {
    return builder().noConfFile().environment(Map.of()).build();
  }

  /** Parses {@code key = value} lines; {@code #} starts a comment; values may be double-quoted. */
  static Map<String, String> parseConfFile(Path file) {
    Map<String, String> out = new LinkedHashMap<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException("cannot read " + file + ": " + e.getMessage());
    }
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException(file + ":" + (i + 1) + ": expected 'key = value'");
      }
      String key = line.substring(0, eq).strip();
      String value = line.substring(eq + 1).strip();
      if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
        value = value.substring(1, value.length() - 1);
      }
      if (out.containsKey(key)) {
        throw new ConfigException(file + ":" + (i + 1) + ": key '" + key + "' set twice");
      }
      out.put(key, value);
    }
    return out;
  }

  private void validate() {
    for (Map.Entry<String, String> e : values.entrySet()) {
      ConfigKey k = ConfigKey.lookup(e.getKey());
      String v = e.getValue();
      String where = origins.get(e.getKey());
      if ((v == null || v.isEmpty()) && k.defaultValue() != null && k.type() != ConfigKey.Type.STRING
          && k.type() != ConfigKey.Type.PATH) {
        throw new ConfigException(where + ": " + k.name() + " expects " + k.type().name().toLowerCase(java.util.Locale.ROOT)
            + ", got an empty value (leave the key out for its default, " + k.defaultValue() + ")");
      }
      if (v == null || v.isEmpty()) {
        continue;
      }
      double number;
      try {
        number = switch (k.type()) {
          case INT -> Integer.parseInt(v);
          case DOUBLE -> Double.parseDouble(v);
          default -> 0;
        };
        switch (k.type()) {
          case BOOLEAN -> {
            if (!v.equals("true") && !v.equals("false")) {
              throw new NumberFormatException();
            }
          }
          case DATE -> LocalDate.parse(v);
          default -> { }
        }
      } catch (NumberFormatException | DateTimeParseException ex) {
        throw new ConfigException(where + ": " + k.name() + " expects " + k.type().name().toLowerCase()
            + ", got '" + (k.secret() ? "***" : Secrets.clip(v)) + "'");
      }
      if ((k.type() == ConfigKey.Type.INT || k.type() == ConfigKey.Type.DOUBLE) && !k.inRange(number)) {
        throw new ConfigException(where + ": " + k.name() + " must be " + k.rangeText() + ", got " + Secrets.clip(v));
      }
    }
    try {
      ZoneId.of(get(ConfigKey.TIMEZONE));
    } catch (RuntimeException ex) {
      throw new ConfigException(origins.get(ConfigKey.TIMEZONE.name()) + ": business.timezone '"
          + Secrets.clip(get(ConfigKey.TIMEZONE)) + "' is not a time zone id");
    }
    for (ConfigKey k : ConfigKey.all()) {
      String v = get(k);
      if (!k.choices().isEmpty() && v != null && !k.choices().contains(v)) {
        throw new ConfigException(origins.get(k.name()) + ": " + k.name() + " must be " + k.choicesText()
            + ", got '" + Secrets.clip(v) + "'");
      }
    }
  }

  public String get(ConfigKey key) {
    return values.get(key.name());
  }

  /** Value of a key by name (per-table source keys); null when unset. */
  public String get(String name) {
    return values.get(name);
  }

  public String getOrDefault(String name, String dflt) {
    String v = values.get(name);
    return v == null || v.isEmpty() ? dflt : v;
  }

  public int getInt(ConfigKey key) {
    return Integer.parseInt(get(key));
  }

  public double getDouble(ConfigKey key) {
    return Double.parseDouble(get(key));
  }

  public ZoneId zone() {
    return ZoneId.of(get(ConfigKey.TIMEZONE));
  }

  public String env() {
    return get(ConfigKey.ENV);
  }

  public String origin(ConfigKey key) {
    return origins.get(key.name());
  }

  /**
   * The Spark and Hadoop settings given as {@code spark.<key>} (conf file or {@code --conf}) that are
   * not the product's own keys: set on the Spark session as they are.
   */
  public Map<String, String> sparkPassthrough() {
    Map<String, String> m = new TreeMap<>();
    values.forEach((k, v) -> {
      if (ConfigKey.isSparkPassthrough(k) && v != null) {
        m.put(k, v);
      }
    });
    return m;
  }

  /** Effective configuration, secrets masked, one {@code key = value  (origin)} per line. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, String> e : values.entrySet()) {
      ConfigKey k = ConfigKey.lookup(e.getKey());
      String v = e.getValue() == null ? "" : e.getValue();
      if (k.secret()) {
        v = Secrets.maskText(v);
      }
      sb.append(e.getKey()).append(" = ").append(v).append("   (").append(origins.get(e.getKey()))
          .append(")\n");
    }
    return sb.toString();
  }
}
