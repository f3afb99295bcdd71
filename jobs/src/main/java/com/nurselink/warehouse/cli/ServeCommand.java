package com.nurselink.warehouse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nurselink.warehouse.config.ConfigException;
import com.nurselink.warehouse.config.ConfigKey;
import com.nurselink.warehouse.config.Settings;
import com.nurselink.warehouse.serve.RedisConnections;
import com.nurselink.warehouse.serve.ServeKeys;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/** {@code nurselink serve show popular|nurse}: what the serve job published to Redis (redis.url). */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "What the serve job published to Redis (redis.url, NURSELINK_REDIS_URL).",
    subcommands = {ServeCommand.Show.class, CommandLine.HelpCommand.class})
public final class ServeCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** {@code serve show}. */
  @Command(name = "show", mixinStandardHelpOptions = true, description = "Print a key as Redis holds it.",
      subcommands = {Popular.class, Nurse.class})
  public static final class Show implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().usage(System.out);
    }
  }

  /** {@code serve show popular [--city C]}. */
  @Command(name = "popular", mixinStandardHelpOptions = true,
      description = "The most popular open missions (missions:popular, or missions:popular:<city>).")
  public static final class Popular implements Callable<Integer> {
    @Mixin CommonOptions common;

    @Option(names = "--city", paramLabel = "CITY", description = "One city's top 20 (as the missions spell it).")
    String city;

    @Override
    public Integer call() throws Exception {
      String url = url(common.settings().build());
      String key = city == null ? ServeKeys.POPULAR : ServeKeys.popularCity(city);
      try (Jedis j = RedisConnections.open(url)) {
        String json = j.get(key);
        if (json == null) {
          throw new IllegalStateException("no key " + key + " in Redis " + RedisConnections.masked(url)
              + ": run the serve job (nurselink run --jobs serve --date D)");
        }
        printPopular(System.out, key, json, j.ttl(key), Integer.MAX_VALUE);
      } catch (JedisException e) {
        throw RedisConnections.failure(url, e);
      }
      return 0;
    }
  }

  /** {@code serve show nurse <id>}. */
  @Command(name = "nurse", mixinStandardHelpOptions = true,
      description = "A nurse's online features (features:nurse:<id>) and the publication they belong to.")
  public static final class Nurse implements Callable<Integer> {
    @Mixin CommonOptions common;

    @Parameters(paramLabel = "ID", description = "The nurse id (users.id).")
    long id;

    @Override
    public Integer call() {
      String url = url(common.settings().build());
      String key = ServeKeys.nurse(Long.toString(id));
      try (Jedis j = RedisConnections.open(url)) {
        Map<String, String> hash = j.hgetAll(key);
        if (hash.isEmpty()) {
          throw new IllegalStateException("no key " + key + " in Redis " + RedisConnections.masked(url));
        }
        printNurse(System.out, key, hash, j.hgetAll(ServeKeys.NURSE_META));
      } catch (JedisException e) {
        throw RedisConnections.failure(url, e);
      }
      return 0;
    }
  }

  static String url(Settings s) {
    String url = s.get(ConfigKey.REDIS_URL);
    if (url == null || url.isBlank()) {
      throw new ConfigException("redis.url is not set: set NURSELINK_REDIS_URL (e.g. redis://127.0.0.1:6379/0)");
    }
    return url;
  }

  /** One line per mission: rank, id, applications, start, rate, city, specialty, title. */
  static void printPopular(PrintStream out, String key, String json, long ttl, int limit) throws Exception {
    JsonNode array = new ObjectMapper().readTree(json);
    out.printf(Locale.ROOT, "%s: %d missions (expires in %d s)%n", key, array.size(), ttl);
    if (array.isEmpty()) {
      out.println("  (none: no open mission starts after the run's date)");
      return;
    }
    out.printf(Locale.ROOT, "%4s %10s %12s %-20s %8s %-16s %-12s %s%n", "rank", "mission_id", "applications",
        "start_at (UTC)", "rate", "city", "specialty", "title");
    int rank = 0;
    for (JsonNode m : array) {
      if (++rank > limit) {
        out.printf(Locale.ROOT, "  ... %d more%n", array.size() - limit);
        break;
      }
      out.printf(Locale.ROOT, "%4d %10d %12d %-20s %8s %-16s %-12s %s%n", rank, m.path("mission_id").asLong(),
          m.path("applications").asLong(), m.path("start_at").asText(), m.path("hourly_rate").asText(),
          m.path("city").asText(), m.path("specialty").asText(), m.path("title").asText());
    }
  }

  /**
   * The demo's view of what was published: the top {@code limit} popular missions and the hash of
   * the smallest nurse id of the meta's run. False when nothing is published.
   */
  static boolean printPublished(PrintStream out, String url, int limit) throws Exception {
    try (Jedis j = RedisConnections.open(url)) {
      String json = j.get(ServeKeys.POPULAR);
      if (json == null) {
        return false;
      }
      printPopular(out, ServeKeys.POPULAR, json, j.ttl(ServeKeys.POPULAR), limit);
      Long first = null;
      redis.clients.jedis.params.ScanParams params = new redis.clients.jedis.params.ScanParams()
          .match(ServeKeys.NURSE_PREFIX + "*").count(1000);
      String cursor = redis.clients.jedis.params.ScanParams.SCAN_POINTER_START;
      do {
        var page = j.scan(cursor, params);
        for (String k : page.getResult()) {
          String id = k.substring(ServeKeys.NURSE_PREFIX.length());
          if (id.matches("\\d{1,18}") && (first == null || Long.parseLong(id) < first)) {
            first = Long.parseLong(id);
          }
        }
        cursor = page.getCursor();
      } while (!cursor.equals(redis.clients.jedis.params.ScanParams.SCAN_POINTER_START));
      if (first != null) {
        out.println();
        String key = ServeKeys.nurse(Long.toString(first));
        printNurse(out, key, j.hgetAll(key), j.hgetAll(ServeKeys.NURSE_META));
      }
      return true;
    } catch (JedisException e) {
      throw RedisConnections.failure(url, e);
    }
  }

  static void printNurse(PrintStream out, String key, Map<String, String> hash, Map<String, String> meta) {
    out.println(key + (meta.isEmpty() ? "" : "  (run " + meta.get("run_id") + ", as of " + meta.get("as_of_date")
        + ", " + meta.get("rows") + " nurses)"));
    for (Map.Entry<String, String> e : new TreeMap<>(hash).entrySet()) {
      out.printf(Locale.ROOT, "  %-26s %s%n", e.getKey(), e.getValue());
    }
  }
}
