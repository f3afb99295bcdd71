package com.nurselink.warehouse.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The migration report reads the same whatever the default locale of the JVM. */
class ReportLocaleTest {
  private Locale saved;

  @BeforeEach
  void save() {
    saved = Locale.getDefault();
  }

  @AfterEach
  void restore() {
    Locale.setDefault(saved);
  }

  @ParameterizedTest
  @ValueSource(strings = {"fr-FR", "de-DE", "ar-SA", "hi-IN-u-nu-deva", "en-US"})
  void numbersAreWrittenTheSameInEveryLocale(String tag) {
    Locale.setDefault(Locale.forLanguageTag(tag));
    Report r = new Report("data/app.db", "jdbc:postgresql://db/wh?user=etl&password=s3cret",
        new MigrationPlan("public", false, List.of(), List.of()), "", false,
        List.of(new Verifier.TableCheck("missions", 1234567, 1234567, 12, 3, List.of()),
            new Verifier.TableCheck("users", 10, 9, 4, 0, List.of("row count 10 != 9"))),
        List.of(), Duration.ofMillis(1530));
    assertEquals("migration report: data/app.db -> jdbc:postgresql://db/wh?user=etl&password=*** schema public\n"
        + "table                             rows source  rows target  columns  rejected  status\n"
        + "missions                              1234567      1234567       12         3  OK\n"
        + "users                                      10            9        4         0  FAILED: row count 10 != 9\n"
        + "FAILED: 2 tables, 1234576 rows, 3 value(s) in " + DdlWriter.REJECTS_TABLE + ", 1.5s\n", r.render());
  }
}
