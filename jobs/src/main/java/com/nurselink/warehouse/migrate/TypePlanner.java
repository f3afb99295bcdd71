package com.nurselink.warehouse.migrate;

import com.nurselink.warehouse.migrate.ColumnPlan.Strategy;
import com.nurselink.warehouse.migrate.ColumnProfile.Fit;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pure type decisions: from a column's declaration and profile to its PostgreSQL type.
 *
 * <p>For each declared type family the planner lists candidate types in order of preference (the ladder,
 * see {@link #candidates}). The profiler reads every value against every candidate. The planner then takes
 * the first candidate every value fits; failing that, the declared candidate with the fewest misfits when
 * they are few (at most {@value #MAX_REJECT_PERCENT}% of the values and {@value #MAX_REJECTS}) and the
 * column may hold NULL (those cells go to the rejects table); failing that, text, which holds everything.
 */
public final class TypePlanner {
  static final int MAX_REJECT_PERCENT = 5;
  static final long MAX_REJECTS = 10_000;

  private static final Set<String> MONEY_WORDS = Set.of("price", "amount", "total", "subtotal", "cost", "rate",
      "fee", "fees", "salary", "wage", "pay", "freight", "balance", "tax", "hours", "charge", "revenue");
  private static final Set<String> DATE_WORDS = Set.of("at", "date", "time", "timestamp", "datetime", "dt", "ts");
  private static final Pattern TYPMOD = Pattern.compile("\\(\\s*(\\d+)\\s*(?:,\\s*(\\d+)\\s*)?\\)");

  private TypePlanner() {}

  /** Families of declared types, MySQL and SQL Server spellings included. */
  enum Family { BOOL, DATE, DATETIME, TIME, INT, NUMERIC, FLOAT, BLOB, TEXT, NONE, OTHER }

  /** The declared type upper-cased, without its arguments and without UNSIGNED/SIGNED/ZEROFILL. */
  static String base(String declared) {
    String s = declared.toUpperCase(Locale.ROOT).replaceAll("\\(.*?\\)", " ")
        .replaceAll("\\b(UNSIGNED|SIGNED|ZEROFILL)\\b", " ").replaceAll("\\s+", " ").trim();
    return s;
  }

  /** The numbers in a declaration's parentheses: {@code NUMERIC(10,2)} -> [10, 2]; none -> []. */
  static int[] typmod(String declared) {
    Matcher m = TYPMOD.matcher(declared);
    if (!m.find()) {
      return new int[0];
    }
    return m.group(2) == null ? new int[] {Integer.parseInt(m.group(1))}
        : new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
  }

  static Family family(String declared) {
    String b = base(declared);
    int[] mod = typmod(declared);
    if (b.isEmpty()) {
      return Family.NONE;
    }
    if (b.equals("BOOL") || b.equals("BOOLEAN") || b.equals("BIT") || (b.equals("TINYINT") && mod.length == 1 && mod[0] == 1)) {
      return Family.BOOL;
    }
    if (b.equals("DATE")) {
      return Family.DATE;
    }
    if (b.startsWith("DATETIME") || b.startsWith("TIMESTAMP") || b.equals("SMALLDATETIME")) {
      return Family.DATETIME;
    }
    if (b.startsWith("TIME")) {
      return Family.TIME;
    }
    if (b.contains("INT") || b.equals("YEAR") || b.contains("SERIAL")) {
      return Family.INT;
    }
    if (b.startsWith("NUMERIC") || b.startsWith("DECIMAL") || b.equals("DEC") || b.startsWith("NUMBER")
        || b.contains("MONEY") || b.equals("CURRENCY")) {
      return Family.NUMERIC;
    }
    if (b.contains("REAL") || b.contains("FLOA") || b.contains("DOUB")) {
      return Family.FLOAT;
    }
    if (b.contains("BLOB") || b.contains("BINARY") || b.equals("BYTEA") || b.equals("IMAGE")) {
      return Family.BLOB;
    }
    if (b.contains("CHAR") || b.contains("CLOB") || b.contains("TEXT") || b.equals("STRING") || b.equals("ENUM")
        || b.equals("SET") || b.equals("JSON") || b.equals("JSONB") || b.equals("UUID") || b.equals("XML")) {
      return Family.TEXT;
    }
    return Family.OTHER;
  }

  /** Words of an identifier: {@code InvoiceDate} -> [invoice, date], {@code hourly_rate} -> [hourly, rate]. */
  static List<String> words(String name) {
    String spaced = name.replaceAll("([a-z0-9])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
    List<String> out = new ArrayList<>();
    for (String w : spaced.split("[^a-z0-9]+")) {
      if (!w.isEmpty()) {
        out.add(w);
      }
    }
    return out;
  }

  static boolean moneyLike(String name) {
    return words(name).stream().anyMatch(MONEY_WORDS::contains);
  }

  static boolean dateLike(String name) {
    List<String> w = words(name);
    return !w.isEmpty() && (DATE_WORDS.contains(w.get(w.size() - 1)) || w.contains("date") || w.contains("timestamp"));
  }

  /** The candidate types of a column, best first; text always closes the list. */
  public static List<Candidate> candidates(SourceCatalog.Column col) {
    List<Candidate> c = new ArrayList<>();
    boolean dateLike = dateLike(col.name());
    switch (family(col.declaredType())) {
      case BOOL -> {
        c.add(new Candidate(Kind.BOOLEAN, true, true));
        c.add(new Candidate(Kind.INTEGER, false, false));
      }
      case DATE -> {
        c.add(new Candidate(Kind.DATE, true, false));
        c.add(new Candidate(Kind.TIMESTAMPTZ, true, true));
      }
      case DATETIME -> {
        c.add(new Candidate(Kind.DATE, false, false));
        c.add(new Candidate(Kind.TIMESTAMPTZ, true, true));
      }
      case INT -> {
        if (dateLike && !base(col.declaredType()).equals("YEAR")) {
          c.add(new Candidate(Kind.TIMESTAMPTZ, false, true));
        }
        c.add(new Candidate(Kind.INTEGER, true, true));
        c.add(new Candidate(Kind.NUMERIC, false, true));
      }
      case NUMERIC -> c.add(new Candidate(Kind.NUMERIC, true, true));
      case FLOAT -> c.add(moneyLike(col.name()) ? new Candidate(Kind.NUMERIC, true, true)
          : new Candidate(Kind.DOUBLE, true, true));
      case BLOB -> c.add(new Candidate(Kind.BYTEA, true, true));
      case TEXT -> {
        c.add(new Candidate(Kind.BOOLEAN, false, false));
        c.add(new Candidate(Kind.DATE, false, false));
        c.add(new Candidate(Kind.TIMESTAMPTZ, dateLike, dateLike));
      }
      case NONE -> {
        c.add(new Candidate(Kind.INTEGER, false, false));
        c.add(new Candidate(Kind.DOUBLE, false, false));
        c.add(new Candidate(Kind.BYTEA, false, false));
        c.add(new Candidate(Kind.DATE, false, false));
        c.add(new Candidate(Kind.TIMESTAMPTZ, false, false));
      }
      case OTHER -> {
        c.add(new Candidate(Kind.INTEGER, false, false));
        c.add(new Candidate(Kind.NUMERIC, false, false));
        c.add(new Candidate(Kind.DATE, false, false));
        c.add(new Candidate(Kind.TIMESTAMPTZ, false, false));
      }
      case TIME -> { }
    }
    c.add(new Candidate(Kind.TEXT, true, false));
    return List.copyOf(c);
  }

  /**
   * Decides one column.
   *
   * @param mayReject the column may hold NULL in the target (nullable, not in a key), so misfits may go to
   *     the rejects table
   */
  public static ColumnPlan planColumn(SourceCatalog.Column col, ColumnProfile p, boolean mayReject, boolean identity) {
    List<String> notes = new ArrayList<>();
    long nonNull = p.nonNull();
    List<Fit> fits = p.fits();
    Fit intended = fits.stream().filter(f -> f.candidate().tolerant()).findFirst().orElse(fits.get(fits.size() - 1));
    Fit chosen = null;
    Strategy strategy = Strategy.EXACT;
    if (nonNull == 0) {
      Family fam = family(col.declaredType());
      chosen = fits.stream().filter(f -> f.candidate().tolerant()
          && (f.candidate().kind() != Kind.DATE || fam == Family.DATE)).findFirst().orElse(intended);
    } else {
      Fit text = fits.get(fits.size() - 1);
      for (Fit f : fits) {
        if (f != text && !f.dead() && f.unfit() == 0 && f.fit() == nonNull) {
          chosen = f;
          break;
        }
      }
      if (chosen == null && intended == text && text.unfit() == 0) {
        chosen = text;
      }
      if (chosen != null && chosen != intended && intended.unfit() > 0) {
        strategy = Strategy.FALLBACK;
        notes.add("declared " + describe(intended.candidate().kind()) + " but " + intended.unfit()
            + " value(s) do not fit (e.g. " + sampleText(intended) + "): widened to hold every value");
      }
      if (chosen == null) {
        long limit = Math.min(MAX_REJECTS, nonNull * MAX_REJECT_PERCENT / 100);
        Fit best = null;
        for (Fit f : fits) {
          if (f.candidate().tolerant() && !f.dead() && f.candidate().kind() != Kind.TEXT && f.unfit() <= limit
              && (best == null || f.unfit() < best.unfit())) {
            best = f;
          }
        }
        if (best != null && mayReject) {
          chosen = best;
          strategy = Strategy.REJECT_CELLS;
          notes.add(best.unfit() + " value(s) do not fit " + describe(best.candidate().kind()) + " (e.g. "
              + sampleText(best) + "): loaded as NULL, kept in _migration_rejects");
        } else {
          chosen = fits.get(fits.size() - 1);
          strategy = Strategy.FALLBACK;
          notes.add("falls back to text: " + intended.unfit() + " value(s) do not fit "
              + describe(intended.candidate().kind()) + " (e.g. " + sampleText(intended) + ")");
          if (chosen.unfit() > 0) {
            strategy = Strategy.REJECT_CELLS;
            notes.add(chosen.unfit() + " value(s) cannot be text (NUL character or invalid UTF-8): kept in"
                + " _migration_rejects");
          }
        }
      }
    }
    Kind kind = chosen.candidate().kind();
    int[] typeAndScale = {0, -1};
    String pgType = pgType(col, chosen, notes, typeAndScale);
    mysqlNotes(col, notes);
    boolean notNull = col.notNull() && !(strategy == Strategy.REJECT_CELLS && !mayReject);
    if (col.notNull() && !notNull) {
      notes.add("NOT NULL dropped: some values cannot be stored");
    }
    String dflt = identity ? null : translateDefault(col, kind, chosen.candidate(), typeAndScale[1], notes);
    if (p.emptyTexts() > 0 && kind != Kind.TEXT) {
      notes.add(p.emptyTexts() + " empty string(s) are not " + describe(kind) + " values");
    }
    long unfit = strategy == Strategy.REJECT_CELLS ? chosen.unfit() : 0;
    List<ColumnProfile.Sample> samples = strategy == Strategy.EXACT ? List.of()
        : List.copyOf(strategy == Strategy.REJECT_CELLS ? chosen.samples() : intended.samples());
    return new ColumnPlan(col.name(), col.declaredType(), p.storageSummary(), kind, pgType, typeAndScale[1],
        chosen.candidate(), notNull, dflt, identity, strategy, unfit, samples, List.copyOf(notes));
  }

  private static String sampleText(Fit f) {
    if (f.samples().isEmpty()) {
      return "-";
    }
    ColumnProfile.Sample s = f.samples().get(0);
    return "rowid " + s.rowid() + ": " + s.storageClass() + " '" + com.nurselink.warehouse.util.Secrets.clip(s.value()) + "'";
  }

  static String describe(Kind k) {
    return k.name().toLowerCase(Locale.ROOT);
  }

  private static String pgType(SourceCatalog.Column col, Fit f, List<String> notes, int[] out) {
    String base = base(col.declaredType());
    int[] mod = typmod(col.declaredType());
    switch (f.candidate().kind()) {
      case INTEGER -> {
        boolean big = base.contains("BIG") || base.equals("INT8") || (f.fit() == 0 && base.equals("INTEGER"));
        return big || f.minLong() < Integer.MIN_VALUE || f.maxLong() > Integer.MAX_VALUE ? "bigint" : "integer";
      }
      case NUMERIC -> {
        int scale;
        int precision;
        if (family(col.declaredType()) == Family.NUMERIC && mod.length > 0) {
          int p = mod[0];
          int s = mod.length > 1 ? mod[1] : 0;
          scale = Math.max(s, f.maxScale());
          precision = Math.max(p - s, f.maxIntDigits()) + scale;
          if (scale != s || precision != p) {
            notes.add("widened from numeric(" + p + "," + s + ") to numeric(" + precision + "," + scale
                + "): values carry more digits than declared");
          }
        } else if (moneyLike(col.name())) {
          scale = Math.max(2, f.maxScale());
          precision = Math.max(18, f.maxIntDigits() + scale);
        } else {
          out[1] = -1;
          return "numeric";
        }
        precision = Math.min(precision, 1000);
        out[1] = scale;
        return "numeric(" + precision + "," + scale + ")";
      }
      case DOUBLE -> {
        return "double precision";
      }
      case BOOLEAN -> {
        return "boolean";
      }
      case TIMESTAMPTZ -> {
        return "timestamptz";
      }
      case DATE -> {
        return "date";
      }
      case BYTEA -> {
        return "bytea";
      }
      default -> {
        Family fam = family(col.declaredType());
        if (fam == Family.TEXT && base.contains("CHAR") && mod.length == 1 && mod[0] > 0) {
          if (f.maxLength() <= mod[0]) {
            return "varchar(" + mod[0] + ")";
          }
          notes.add((f.maxLength() == Integer.MAX_VALUE ? "numbers stored in it" : "values up to " + f.maxLength()
              + " characters") + " exceed " + col.declaredType() + ": text");
        }
        return "text";
      }
    }
  }

  private static void mysqlNotes(SourceCatalog.Column col, List<String> notes) {
    String upper = col.declaredType().toUpperCase(Locale.ROOT);
    String base = base(col.declaredType());
    if (upper.contains("UNSIGNED")) {
      notes.add("MySQL UNSIGNED: no PostgreSQL equivalent, type chosen from the values' range");
    }
    if (base.equals("ENUM") || base.equals("SET")) {
      notes.add("MySQL " + base + ": stored as text");
    }
    if (base.equals("YEAR")) {
      notes.add("MySQL YEAR: stored as an integer");
    }
    if (family(col.declaredType()) == Family.TIME) {
      notes.add("time of day kept as text");
    }
  }

  private static final Pattern NOW = Pattern.compile(
      "(?i)^\\(?\\s*(current_timestamp|now\\(\\)|(datetime|strftime)\\s*\\(.*'now'.*\\))\\s*\\)?$");
  private static final Pattern TODAY = Pattern.compile("(?i)^\\(?\\s*(current_date|date\\s*\\(\\s*'now'.*\\))\\s*\\)?$");

  /** The PostgreSQL default for a SQLite default, or null (with a note) when it cannot be carried over. */
  static String translateDefault(SourceCatalog.Column col, Kind kind, Candidate cand, int scale, List<String> notes) {
    String d = col.defaultSql();
    if (d == null) {
      return null;
    }
    String t = d.trim();
    if (t.equalsIgnoreCase("NULL")) {
      return null;
    }
    if (NOW.matcher(t).matches()) {
      if (kind == Kind.TIMESTAMPTZ) {
        notes.add("SQLite wrote this default in UTC without an offset; such values are read as "
            + "business-zone local time like every value without an offset");
      }
      return switch (kind) {
        case TIMESTAMPTZ -> "CURRENT_TIMESTAMP";
        case DATE -> "CURRENT_DATE";
        case TEXT -> "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')";
        default -> dropDefault(d, kind, notes);
      };
    }
    if (TODAY.matcher(t).matches()) {
      return kind == Kind.DATE || kind == Kind.TIMESTAMPTZ ? "CURRENT_DATE"
          : kind == Kind.TEXT ? "to_char(now(), 'YYYY-MM-DD')" : dropDefault(d, kind, notes);
    }
    while (t.startsWith("(") && t.endsWith(")")) {
      t = t.substring(1, t.length() - 1).trim();
    }
    Object literal;
    if (t.length() >= 2 && (t.startsWith("'") && t.endsWith("'") || t.startsWith("\"") && t.endsWith("\""))) {
      literal = t.substring(1, t.length() - 1).replace("''", "'");
    } else if (t.equalsIgnoreCase("TRUE") || t.equalsIgnoreCase("FALSE")) {
      literal = t.equalsIgnoreCase("TRUE") ? 1L : 0L;
    } else {
      BigDecimal n = Values.parseDecimalText(t);
      if (n == null || t.contains(",")) {
        return dropDefault(d, kind, notes);
      }
      literal = n.scale() <= 0 ? (Object) n.longValueExact() : (Object) n.doubleValue();
    }
    Candidate lenient = new Candidate(kind, true, true);
    Object v = kind == Kind.TEXT ? Values.asText(literal) : lenient.read(literal, java.time.ZoneOffset.UTC);
    if (v == null || kind == Kind.TIMESTAMPTZ || kind == Kind.BYTEA) {
      return dropDefault(d, kind, notes);
    }
    return switch (kind) {
      case INTEGER, DOUBLE -> v.toString();
      case NUMERIC -> (scale >= 0 ? ((BigDecimal) v).setScale(scale, java.math.RoundingMode.HALF_UP) : (BigDecimal) v)
          .toPlainString();
      case BOOLEAN -> v.toString();
      case DATE -> Sql.literal(v.toString()) + "::date";
      default -> Sql.literal((String) v);
    };
  }

  private static String dropDefault(String d, Kind kind, List<String> notes) {
    notes.add("default " + d + " not carried over (no " + describe(kind) + " equivalent)");
    return null;
  }

  /** Column names of a list, resolved case-insensitively against a table's columns; null when one is missing. */
  static List<String> resolve(SourceCatalog.Table t, List<String> names) {
    List<String> out = new ArrayList<>();
    for (String n : names) {
      SourceCatalog.Column c = n == null ? null : t.column(n);
      if (c == null) {
        return null;
      }
      out.add(c.name());
    }
    return out;
  }

}
