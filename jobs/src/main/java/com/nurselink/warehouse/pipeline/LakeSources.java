package com.nurselink.warehouse.pipeline;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.nurselink.warehouse.config.ConfigException;
import com.nurselink.warehouse.lake.Lake;
import com.nurselink.warehouse.source.SourceTable;
import com.nurselink.warehouse.util.Secrets;
import java.io.IOException;
import java.io.UncheckedIOException;
import com.nurselink.warehouse.lake.LakeFiles;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which sources a lake was built from ({@code <lake>/_sources.json}: logical table to source
 * identity). A lake holds the history of one set of sources: a run reading another source would mix
 * both in the clean layer and the SCD dimensions, so it is refused unless {@code --full-refresh}
 * rebuilds the lake from the new source.
 */
public final class LakeSources {
  public static final String FILE = "_sources.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private LakeSources() {}

  /**
   * The identity of a source table, without credentials: {@code sqlite:<real path>#<table>} or the
   * JDBC URL without user-info and parameters, {@code #<table>}.
   */
  public static String identity(SourceTable src) {
    String where;
    if (src.isSqlite()) {
      Path p = Path.of(src.sqlitePath()).toAbsolutePath().normalize();
      try {
        p = p.toRealPath();
      } catch (IOException missing) {
        // a missing file fails later with its own message; its identity is its path
      }
      where = "sqlite:" + p;
    } else {
      // user-info up to the last '@' (a password may hold '/', '?' or '@'), then the parameters
      where = Secrets.maskText(src.url().replaceFirst("//.*@", "//").replaceAll("[?;].*$", ""));
    }
    return where + "#" + src.physicalTable();
  }

  public static Map<String, String> identities(Map<String, SourceTable> sources) {
    Map<String, String> m = new TreeMap<>();
    sources.forEach((t, s) -> m.put(t, identity(s)));
    return m;
  }

  /** The recorded sources of the lake; empty when none were recorded (a new lake). */
  public static Map<String, String> recorded(Lake lake, SparkSession spark) {
    LakeFiles files = lake.files(spark);
    var text = files.read(FILE);
    if (text.isEmpty()) {
      return Map.of();
    }
    try {
      return JSON.readValue(text.get(), new TypeReference<TreeMap<String, String>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + files.path(FILE), e);
    }
  }

  /**
   * Checks the run's sources against the lake's. A new lake, or the same sources, pass. Other
   * sources are refused with one line, unless {@code fullRefresh}: then true is returned, and the
   * caller removes the lake's tables ({@link Lake#clearTables}) once the new data is staged.
   */
  public static boolean check(Lake lake, SparkSession spark, Map<String, SourceTable> sources, boolean fullRefresh) {
    Map<String, String> before = recorded(lake, spark);
    Map<String, String> now = identities(sources);
    if (before.isEmpty() || before.equals(now)) {
      return false;
    }
    if (!fullRefresh) {
      Set<String> was = new LinkedHashSet<>();
      Set<String> is = new LinkedHashSet<>();
      now.forEach((t, id) -> {
        if (!id.equals(before.get(t))) {
          was.add(display(t, before.get(t)));
          is.add(display(t, id));
        }
      });
      throw new ConfigException("the lake " + lake + " was built from other sources (" + String.join(", ", was)
          + "; this run reads " + String.join(", ", is) + "): rerun with --full-refresh to rebuild it from the new "
          + "sources, or set lake.path to another lake");
    }
    return true;
  }

  /** An identity as printed: without {@code #table} when the physical table is the logical one. */
  private static String display(String logical, String identity) {
    if (identity == null) {
      return "none";
    }
    return identity.endsWith("#" + logical) ? identity.substring(0, identity.length() - logical.length() - 1) : identity;
  }

  /** Records the sources the lake is now built from (atomically: written aside, then moved). */
  public static void record(Lake lake, SparkSession spark, Map<String, SourceTable> sources) {
    LakeFiles files = lake.files(spark);
    try {
      files.write(FILE, JSON.writeValueAsString(identities(sources)) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + files.path(FILE), e);
    }
  }
}
