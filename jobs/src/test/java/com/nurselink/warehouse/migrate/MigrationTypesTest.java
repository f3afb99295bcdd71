package com.nurselink.warehouse.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nurselink.warehouse.migrate.ColumnPlan.Strategy;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pure type decisions: value readers and the planner, no database. */
class MigrationTypesTest {
  static final ZoneId PARIS = ZoneId.of("Europe/Paris");

  /** Plans a column from its declaration and its values (rowids 1..n). */
  static ColumnPlan plan(String name, String declared, boolean notNull, String dflt, Object... values) {
    SourceCatalog.Column col = new SourceCatalog.Column(name, declared, notNull, dflt, 0);
    ColumnProfile p = new ColumnProfile(name, TypePlanner.candidates(col), PARIS);
    for (int i = 0; i < values.length; i++) {
      p.add(i + 1, values[i]);
    }
    return TypePlanner.planColumn(col, p, !notNull, false);
  }

  @Test
  void numbersAsTextWithDecimalCommaAndSeparators() {
    assertEquals(new BigDecimal("42.5"), Values.parseDecimalText("42,5"));
    assertEquals(new BigDecimal("38.75"), Values.parseDecimalText(" 38.75 "));
    assertEquals(new BigDecimal("1234.50"), Values.parseDecimalText("1.234,50"));
    assertEquals(new BigDecimal("1234.50"), Values.parseDecimalText("1,234.50"));
    assertEquals(new BigDecimal("1234567"), Values.parseDecimalText("1,234,567"));
    assertNull(Values.parseDecimalText("n/a"));
    assertNull(Values.parseDecimalText(""));
    assertNull(Values.parseDecimalText("12 €"));
    assertNull(Values.parseDecimalText("1,2,3"));
  }

  @Test
  void binaryFloatNoiseIsNotAScale() {
    assertEquals(2, Values.doubleScale(1.98));                 // stored 1.979999999999999982236431605997495353221893310546875
    assertEquals(1, Values.doubleScale(0.1 + 0.2));            // 0.30000000000000004
    assertEquals(0, Values.doubleScale(40.0));
    assertEquals(3, Values.doubleScale(1.985));
    assertEquals(6, Values.doubleScale(48.856613));
  }

  @Test
  void timestampsInEveryShape() {
    Instant summer8utc = Instant.parse("2024-07-01T06:00:00Z");
    assertEquals(summer8utc, Values.asInstant("2024-07-01 08:00:00", PARIS, false));   // local Paris, CEST
    assertEquals(summer8utc, Values.asInstant("2024-07-01T08:00", PARIS, false));
    assertEquals(summer8utc, Values.asInstant("2024-07-01T06:00:00Z", PARIS, false));
    assertEquals(summer8utc, Values.asInstant("2024-07-01T07:00:00+0100", PARIS, false));
    assertEquals(summer8utc, Values.asInstant("2024-07-01 08:00:00.000+02:00", PARIS, false));
    assertEquals(Instant.parse("2024-01-14T23:00:00Z"), Values.asInstant("2024-01-15", PARIS, false));
    assertEquals(summer8utc, Values.asInstant(1_719_813_600L, PARIS, true));         // epoch seconds
    assertEquals(summer8utc, Values.asInstant(1_719_813_600_000L, PARIS, true));     // epoch milliseconds
    assertEquals(summer8utc, Values.asInstant("1719813600000", PARIS, true));
    assertEquals(summer8utc, Values.asInstant(" 1719813600\t", PARIS, true));     // digits only: read as a long
    assertEquals(summer8utc.plusNanos(250_000), Values.asInstant("1719813600000.25", PARIS, true));   // ms, as a decimal
    assertEquals(summer8utc, Values.asInstant("0000001719813600", PARIS, true));   // 16 digits: as a decimal
    assertNull(Values.asInstant(1_719_813_600L, PARIS, false));
    assertNull(Values.asInstant(42L, PARIS, true));                                  // a count, not a date
    assertNull(Values.asInstant("2024-02-30 10:00:00", PARIS, false));
    assertNull(Values.asInstant("0000-00-00 00:00:00", PARIS, false));
    assertNull(Values.asInstant("yesterday", PARIS, true));
  }

  @Test
  void textReadFromBytesMatchesTextReadAsStrings() {
    for (String s : List.of("2024-07-01 08:00:00", "2024-07-01T08:00", " 2024-07-01T06:00:00Z ", "2024-07-01T07:00:00+0100",
        "2024-07-01 08:00:00.000+02:00", "2024-07-01 08:00:00,5 +02", "2024-01-15", "1719813600", "1719813600000",
        "1719813600.5", "42", "", "  ", "2024-02-30 10:00:00", "2024-10-27 02:30:00", "yesterday", "2024-07-01T08:00:00UTC")) {
      byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      for (boolean epoch : List.of(true, false)) {
        Instant fromBytes = Values.instantFromText(b, PARIS, epoch);
        if (fromBytes != null) {
          assertEquals(Values.asInstant(s, PARIS, epoch), fromBytes, s);
        }
      }
      if (Values.dateFromText(b) != null) {
        assertEquals(Values.asDate(s), Values.dateFromText(b), s);
      }
    }
    assertEquals(Values.asInstant("2024-07-01 08:00:00", PARIS, false),
        Values.instantFromText("2024-07-01 08:00:00".getBytes(java.nio.charset.StandardCharsets.UTF_8), PARIS, false));
    // not ASCII: left to the string reader, which takes ASCII digits only too
    assertNull(Values.instantFromText("2024-07-01 08:00:00.\u0663".getBytes(java.nio.charset.StandardCharsets.UTF_8), PARIS, false));
    assertNull(Values.asInstant("2024-07-01 08:00:00.\u0663", PARIS, false));
    assertNull(Values.asInstant("\u0662024-07-01 08:00:00", PARIS, false));
    assertNull(Values.asDate("2024-07-0\u0661"));
    assertNull(Values.asDate("2024-07-0\u00e9"));
    assertTrue(CopyLoader.plainUtf8("Théodor-Heuss-Straße 34 \t\n\\".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    assertTrue(!CopyLoader.plainUtf8(new byte[] {'a', 0, 'b'}));
    assertTrue(!CopyLoader.plainUtf8(new byte[] {(byte) 0xC3}));
    assertTrue(!CopyLoader.plainUtf8(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}));   // a surrogate
  }

  @Test
  void datesAndOffsetsMatchJavaTime() {
    // every day of 14 years (leap centuries both ways, year 0, 9999), and impossible days, against java.time
    for (int y : new int[] {0, 4, 1599, 1600, 1700, 1900, 1970, 2000, 2023, 2024, 2100, 2400, 2401, 9999}) {
      for (int m = 0; m <= 13; m++) {
        for (int d = 0; d <= 32; d++) {
          String text = String.format(java.util.Locale.ROOT, "%04d-%02d-%02d", y, m, d);
          LocalDate expected;
          try {
            expected = LocalDate.of(y, m, d);
          } catch (java.time.DateTimeException e) {
            expected = null;
          }
          assertEquals(expected, Values.asDate(text), text);
          assertEquals(expected, Values.dateFromText(text.getBytes(java.nio.charset.StandardCharsets.US_ASCII)), text);
        }
      }
    }
    // offsets: java.time's range (+-18:00), in every spelling this reader takes
    java.util.Map<String, String> offsets = new java.util.LinkedHashMap<>();
    for (String utc : List.of("Z", "z", "UTC", "utc", "Utc", "+00", "-00:00")) {
      offsets.put(utc, "2024-07-01T08:00:00Z");
    }
    offsets.put("+18", "2024-06-30T14:00:00Z");
    offsets.put("-18:00", "2024-07-02T02:00:00Z");
    offsets.put("+0530", "2024-07-01T02:30:00Z");
    offsets.put("-05:30", "2024-07-01T13:30:00Z");
    for (String bad : List.of("+18:01", "+19", "+05:60", "+5", "+05:3", "UTD", "GMT", "+05:30:00", "+05-30")) {
      offsets.put(bad, null);
    }
    offsets.forEach((z, utc) -> {
      Instant expected = utc == null ? null : Instant.parse(utc);
      assertEquals(expected, Values.asInstant("2024-07-01T08:00:00" + z, PARIS, false), z);
      assertEquals(expected, Values.instantFromText(("2024-07-01 08:00:00 " + z).getBytes(java.nio.charset.StandardCharsets.US_ASCII),
          PARIS, false), z);
    });
    // fractions: up to nine digits count, later ones are read and left out
    assertEquals(Instant.parse("2024-07-01T06:00:00.123456789Z"), Values.asInstant("2024-07-01 08:00:00.1234567891", PARIS, false));
    assertEquals(Instant.parse("2024-07-01T06:00:00.5Z"), Values.asInstant("2024-07-01 08:00:00,5", PARIS, false));
    assertNull(Values.asInstant("2024-07-01 08:00:00.", PARIS, false));
  }

  @Test
  void localTimesAcrossDaylightSavingChangesMatchJavaTime() {
    // in this order, so the cached stretch between transitions is crossed both ways
    for (String s : List.of("2024-03-31 01:59:59", "2024-03-31 02:30:00", "2024-03-31 03:00:00", "2024-07-01 00:00:00",
        "2024-10-27 01:59:00", "2024-10-27 02:30:00", "2024-10-27 03:00:00", "2024-03-31 02:00:00", "1999-12-31 23:59:59",
        "2024-10-27 02:30:00")) {
      assertEquals(java.time.LocalDateTime.parse(s.replace(' ', 'T')).atZone(PARIS).toInstant(),
          Values.asInstant(s, PARIS, false), s);
    }
  }

  @Test
  void declaredNumericRoundsFloatsToItsScaleExactly() {
    ColumnPlan c = plan("Total", "NUMERIC(10,2)", true, null, 1.98, 3.96, 0.99, 13.86);
    assertEquals("numeric(10,2)", c.pgType());
    assertEquals(new BigDecimal("1.98"), c.convert(1.98, PARIS));
    // a value with more decimals than declared widens the column instead of being rounded away
    ColumnPlan wide = plan("amount", "DECIMAL(5,2)", true, null, 1.98, 2.995);
    assertEquals("numeric(6,3)", wide.pgType());
    assertEquals(Strategy.EXACT, wide.strategy());
    assertTrue(wide.notes().get(0).contains("widened"), wide.notes().toString());
  }

  @Test
  void moneyLikeRealsBecomeNumericNeverFloat() {
    assertEquals("numeric(18,2)", plan("hourly_rate", "REAL", false, null, 32.99, "42,5", 40L).pgType());
    assertEquals("numeric(18,2)", plan("UnitPrice", "NUMERIC", false, null, 14L, 9.8, 34.8).pgType());
    assertEquals("double precision", plan("latitude", "REAL", false, null, 48.856613, 2.352222).pgType());
    assertEquals("double precision", plan("ratio", "DOUBLE PRECISION", false, null, 0.5).pgType());
  }

  @Test
  void flagsOnlyWhereTheDeclarationSaysFlag() {
    assertEquals("boolean", plan("active", "BOOLEAN", true, "TRUE", 1L, 0L, 1L).pgType());
    assertEquals("true", plan("active", "BOOLEAN", true, "TRUE", 1L, 0L).defaultExpr());
    assertEquals("boolean", plan("Discontinued", "TEXT", true, "'0'", "0", "1", "0").pgType());
    assertEquals("false", plan("Discontinued", "TEXT", true, "'0'", "0", "1").defaultExpr());
    // integer ids that happen to be 0/1 stay integers
    assertEquals("integer", plan("parent_id", "INTEGER", false, null, 0L, 1L, 1L).pgType());
    assertEquals("integer", plan("qty", "INT(5) UNSIGNED", false, null, 0L, 1L).pgType());
  }

  @Test
  void integersTakeTheSmallestTypeThatHoldsThem() {
    assertEquals("integer", plan("Bytes", "INTEGER", false, null, 1_059_546_140L).pgType());
    assertEquals("bigint", plan("Bytes", "INTEGER", false, null, 5_000_000_000L).pgType());
    assertEquals("bigint", plan("n", "BIGINT", false, null, 1L).pgType());
    // a real in an integer column: the column widens to numeric, nothing is truncated
    ColumnPlan c = plan("qty", "INTEGER", true, null, 1L, 2.5);
    assertEquals(Kind.NUMERIC, c.kind());
    assertEquals(Strategy.FALLBACK, c.strategy());
  }

  @Test
  void datesAndTimestampsFromTheValues() {
    assertEquals("date", plan("OrderDate", "DATETIME", false, null, "2016-07-04", "2016-07-05").pgType());
    assertEquals("timestamptz", plan("InvoiceDate", "DATETIME", false, null, "2009-01-01 00:00:00").pgType());
    assertEquals("timestamptz", plan("created_at", "TEXT", false, null, "2024-07-01T08:00:00Z", "1719813600000").pgType());
    assertEquals("timestamptz", plan("created_at", "INTEGER", false, null, 1_719_813_600L).pgType());
    assertEquals("integer", plan("wait_time", "INTEGER", false, null, 30L, 45L).pgType());
    assertEquals("text", plan("comment", "TEXT", false, null, "2024-07-01", "hello").pgType());
    assertEquals("CURRENT_TIMESTAMP", plan("created_at", "TIMESTAMP", false, "CURRENT_TIMESTAMP", "2024-07-01 08:00:00").defaultExpr());
    assertEquals("CURRENT_TIMESTAMP", plan("created_at", "DATETIME", false, "(datetime('now','localtime'))", "2024-07-01 08:00:00").defaultExpr());
  }

  @Test
  void misfitsGoToRejectsWhenFewAndToTextWhenMany() {
    List<Object> values = new ArrayList<>();
    for (int i = 0; i < 99; i++) {
      values.add(10.5 + i);
    }
    values.add("n/a");
    ColumnPlan few = plan("hourly_rate", "REAL", false, null, values.toArray());
    assertEquals(Strategy.REJECT_CELLS, few.strategy());
    assertEquals(1, few.unfit());
    assertEquals("n/a", few.samples().get(0).value());
    assertEquals(100, few.samples().get(0).rowid());
    // a NOT NULL column cannot take NULL cells: it keeps every value as text
    ColumnPlan notNull = plan("hourly_rate", "REAL", true, null, values.toArray());
    assertEquals("text", notNull.pgType());
    assertEquals(Strategy.FALLBACK, notNull.strategy());
    // many misfits: text
    assertEquals("text", plan("hourly_rate", "REAL", false, null, 1.5, "cheap", "expensive").pgType());
    // an empty string is not a number either: never turned into NULL silently
    assertEquals(Strategy.FALLBACK, plan("rate", "NUMERIC", false, null, 1.5, "").strategy());
  }

  @Test
  void mysqlAndOddDeclarationsNeverCrash() {
    assertEquals("text", plan("rating", "ENUM", false, "'G'", "G", "PG-13").pgType());
    assertEquals("'G'", plan("rating", "ENUM", false, "'G'", "G").defaultExpr());
    assertEquals("text", plan("kind", "ENUM('a','b')", false, null, "a").pgType());
    assertEquals("text", plan("special_features", "SET('Trailers','Commentaries')", false, null, "Trailers").pgType());
    assertEquals("integer", plan("release_year", "YEAR", false, null, 2006L).pgType());
    assertEquals("text", plan("special_features", "", false, null, "Trailers,Deleted Scenes").pgType());
    assertEquals("integer", plan("x", "", false, null, 1L, 2L).pgType());
    assertEquals("text", plan("t", "TIME", false, null, "10:00").pgType());
    assertEquals("varchar(45)", plan("first_name", "VARCHAR(45)", true, null, "PENELOPE").pgType());
    assertEquals("text", plan("code", "CHAR(2)", true, null, "ABC").pgType());
    assertEquals("bytea", plan("picture", "BLOB", false, null, new Object[] {null, null}).pgType());
    assertEquals("numeric", plan("g", "GEOMETRY", false, null, 1.5, 2L).pgType().replaceAll("\\(.*", ""));
    assertNull(plan("x", "INTEGER", false, "(abs(random()))", 1L).defaultExpr());
  }
}
