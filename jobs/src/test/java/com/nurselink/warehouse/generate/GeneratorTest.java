package com.nurselink.warehouse.generate;

import static com.nurselink.warehouse.generate.SqliteFixture.approxEpoch;
import static com.nurselink.warehouse.generate.SqliteFixture.badNumber;
import static com.nurselink.warehouse.generate.SqliteFixture.readable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nurselink.warehouse.contract.SourceContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneratorTest {
  static final int N = 20_000;
  static final ZoneId PARIS = ZoneId.of("Europe/Paris");
  static final List<String> TABLES = List.of("users", "missions", "mission_applications", "contracts");

  @TempDir static Path shared;
  @TempDir Path dir;

  static Path clean;
  static Path dirty;
  static Summary cleanSummary;
  static Summary dirtySummary;

  @BeforeAll
  static void generate() throws Exception {
    SqliteFixture.ensureTmpDir();
    clean = shared.resolve("clean.db");
    dirty = shared.resolve("dirty.db");
    cleanSummary = Generator.create().missions(N).seed(11).writeSqlite(clean);
    dirtySummary = Generator.create().missions(N).seed(11).dirty(true).writeSqlite(dirty);
  }

  @Test
  void sameSeedSameContentOtherSeedOtherContent() throws Exception {
    Path a = dir.resolve("a.db");
    Path b = dir.resolve("b.db");
    Path c = dir.resolve("c.db");
    Generator.create().missions(2_000).seed(5).dirty(true).writeSqlite(a);
    Generator.create().missions(2_000).seed(5).dirty(true).writeSqlite(b);
    Generator.create().missions(2_000).seed(6).dirty(true).writeSqlite(c);
    try (SqliteFixture fa = new SqliteFixture(a); SqliteFixture fb = new SqliteFixture(b);
         SqliteFixture fc = new SqliteFixture(c)) {
      for (String t : TABLES) {
        assertEquals(fa.digest(t), fb.digest(t), t);
        assertNotEquals(fa.digest(t), fc.digest(t), t);
      }
    }
  }

  @Test
  void volumesAndRatios() throws Exception {
    try (SqliteFixture f = new SqliteFixture(clean)) {
      assertEquals(N, f.count("SELECT count(*) FROM missions"));
      assertEquals(N / 8, f.count("SELECT count(*) FROM users WHERE lower(trim(role)) = 'nurse'"));
      assertEquals(N / 100, f.count("SELECT count(*) FROM users WHERE lower(trim(role)) = 'establishment'"));
      long admins = f.count("SELECT count(*) FROM users WHERE lower(trim(role)) = 'admin'");
      assertTrue(admins >= 1 && admins <= 10, "admins " + admins);
      double apps = f.count("SELECT count(*) FROM mission_applications") / (double) N;
      double contracts = f.count("SELECT count(*) FROM contracts") / (double) N;
      assertTrue(apps > 2.8 && apps < 3.2, "applications per mission " + apps);
      assertTrue(contracts > 0.55 && contracts < 0.65, "contracts per mission " + contracts);
      for (String s : SourceContract.MISSIONS.enumValues()) {
        long n = f.count("SELECT count(*) FROM missions WHERE lower(trim(status)) = '" + s + "'");
        assertTrue(n > N / 50, s + ": " + n);
      }
      assertEquals(f.count("SELECT count(*) FROM users"), cleanSummary.rows("users"));
      double avgRate = f.number("SELECT avg(" + SqliteFixture.real("hourly_rate") + ") FROM missions");
      assertTrue(avgRate > 30 && avgRate < 45, "average rate " + avgRate);
      assertEquals(0, f.count("SELECT count(*) FROM missions WHERE " + SqliteFixture.real("hourly_rate")
          + " NOT BETWEEN 25 AND 60"));
      assertTrue(f.count("SELECT count(DISTINCT trim(location)) FROM missions WHERE trim(location)"
          + " IN ('Besançon', 'Saint-Étienne', 'Orléans', 'Nîmes', 'Paris', 'Lyon')") == 6);
      assertTrue(f.count("SELECT count(DISTINCT specialty) FROM missions WHERE specialty"
          + " IN ('urgences', 'réanimation', 'pédiatrie', 'gériatrie', 'bloc opératoire')") == 5);
    }
  }

  @Test
  void statusesAreCoherent() throws Exception {
    try (SqliteFixture f = new SqliteFixture(clean)) {
      assertEquals(0, f.count("SELECT count(*) FROM mission_applications a JOIN missions m ON m.id = a.mission_id"
          + " WHERE lower(trim(m.status)) = 'draft'"), "draft missions have no applications");
      assertEquals(0, f.count("SELECT count(*) FROM missions m JOIN contracts c ON c.mission_id = m.id"
          + " WHERE lower(trim(m.status)) = 'completed' AND (lower(trim(c.status)) NOT IN ('completed', 'disputed')"
          + " OR c.hours_worked IS NULL)"), "completed missions have completed contracts with hours");
      assertEquals(0, f.count("SELECT count(*) FROM missions m WHERE lower(trim(m.status)) IN"
          + " ('filled', 'in_progress', 'completed') AND NOT EXISTS (SELECT 1 FROM contracts c WHERE c.mission_id = m.id)"));
      assertEquals(0, f.count("SELECT count(*) FROM contracts c LEFT JOIN mission_applications a"
          + " ON a.id = c.application_id WHERE a.id IS NULL OR lower(trim(a.status)) <> 'accepted'"
          + " OR a.mission_id <> c.mission_id OR a.nurse_id <> c.nurse_id"), "a contract comes from an accepted application");
      assertEquals(0, f.count("SELECT count(*) FROM contracts WHERE lower(trim(status)) = 'pending'"
          + " AND signed_at IS NOT NULL"));
      assertEquals(0, f.count("SELECT count(*) FROM mission_applications a JOIN users u ON u.id = a.nurse_id"
          + " WHERE lower(trim(u.role)) <> 'nurse'"));
    }
  }

  @Test
  void timestampsAreOrderedAndInTheSpan() throws Exception {
    try (SqliteFixture f = new SqliteFixture(clean); Statement st = f.conn.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT start_at, end_at, created_at, updated_at FROM missions")) {
        while (rs.next()) {
          Instant start = SourceValues.instant(rs.getObject(1), PARIS);
          Instant end = SourceValues.instant(rs.getObject(2), PARIS);
          Instant created = SourceValues.instant(rs.getObject(3), PARIS);
          Instant updated = SourceValues.instant(rs.getObject(4), PARIS);
          LocalDate day = LocalDate.ofInstant(start, PARIS);
          assertFalse(day.isBefore(Generator.SPAN_START) || day.isAfter(Generator.SPAN_END), day.toString());
          long hours = (end.getEpochSecond() - start.getEpochSecond()) / 3600;
          assertTrue(hours >= 4 && hours <= 12, "shift " + hours);
          assertTrue(created.isBefore(start));
          assertTrue(updated.isAfter(created));
        }
      }
      try (ResultSet rs = st.executeQuery("SELECT a.applied_at, m.created_at, m.start_at, c.signed_at, c.created_at"
          + " FROM mission_applications a JOIN missions m ON m.id = a.mission_id"
          + " LEFT JOIN contracts c ON c.application_id = a.id")) {
        while (rs.next()) {
          Instant applied = SourceValues.instant(rs.getObject(1), PARIS);
          assertTrue(applied.isAfter(SourceValues.instant(rs.getObject(2), PARIS)));
          assertTrue(applied.isBefore(SourceValues.instant(rs.getObject(3), PARIS)));
          Instant signed = SourceValues.instant(rs.getObject(4), PARIS);
          if (signed != null) {
            assertTrue(signed.isAfter(applied));
            assertTrue(signed.isAfter(SourceValues.instant(rs.getObject(5), PARIS)));
          }
        }
      }
    }
  }

  @Test
  void everyRepresentationAppearsAndAllAreValid() throws Exception {
    try (SqliteFixture f = new SqliteFixture(clean)) {
      Map<String, String> timestampForms = Map.of(
          "T, no offset", "start_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]'",
          "space, no offset", "start_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]'",
          "fractional seconds", "created_at GLOB '*:[0-9][0-9].[0-9][0-9][0-9]*'",
          "Z", "start_at GLOB '*Z'",
          "+hh:mm", "start_at GLOB '*+[0-9][0-9]:[0-9][0-9]'",
          "+hhmm", "start_at GLOB '*+[0-9][0-9][0-9][0-9]'",
          "epoch seconds", "typeof(start_at) = 'integer' AND start_at < 100000000000",
          "epoch milliseconds", "typeof(start_at) = 'integer' AND start_at > 100000000000");
      for (Map.Entry<String, String> e : timestampForms.entrySet()) {
        assertTrue(f.count("SELECT count(*) FROM missions WHERE " + e.getValue()) > 100, e.getKey());
      }
      assertTrue(f.count("SELECT count(*) FROM contracts WHERE start_date GLOB"
          + " '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'") > f.count("SELECT count(*) FROM contracts") / 2);
      assertTrue(f.count("SELECT count(*) FROM contracts WHERE typeof(start_date) = 'integer'") > 0);
      assertEquals(0, f.count("SELECT count(*) FROM mission_applications WHERE typeof(applied_at) <> 'text'"));
      // numbers
      assertTrue(f.count("SELECT count(*) FROM missions WHERE typeof(hourly_rate) = 'real'") > N / 2);
      assertTrue(f.count("SELECT count(*) FROM missions WHERE typeof(hourly_rate) = 'text' AND hourly_rate LIKE '%,%'") > 100);
      assertTrue(f.count("SELECT count(*) FROM contracts WHERE typeof(hourly_rate) = 'text' AND hourly_rate LIKE '%.%'"
          + " AND hourly_rate NOT LIKE '%,%'") > 100);
      assertTrue(f.count("SELECT count(*) FROM contracts WHERE typeof(hourly_rate) = 'text' AND hourly_rate LIKE '%,%'") > 50);
      assertTrue(f.count("SELECT count(*) FROM contracts WHERE typeof(hourly_rate) = 'integer'") > 50);
      assertTrue(f.count("SELECT count(*) FROM contracts WHERE typeof(hours_worked) = 'text'") > 10);
      // enums and cities in another case or with spaces
      assertTrue(f.count("SELECT count(*) FROM missions WHERE status <> lower(trim(status)) AND status = upper(status)") > 10);
      assertTrue(f.count("SELECT count(*) FROM missions WHERE status <> trim(status)") > 10);
      assertTrue(f.count("SELECT count(*) FROM missions WHERE location <> trim(location)") > 10);
      assertTrue(f.count("SELECT count(*) FROM users WHERE role <> lower(trim(role))") > 0);
      // ... and all of them valid input
      for (String c : List.of("start_at", "end_at", "created_at", "updated_at")) {
        assertEquals(0, f.count("SELECT count(*) FROM missions WHERE " + readable(c) + " = 0"), c);
      }
      assertEquals(0, f.count("SELECT count(*) FROM mission_applications WHERE " + readable("applied_at") + " = 0"));
      assertEquals(0, f.count("SELECT count(*) FROM contracts WHERE " + readable("start_date") + " = 0"));
      assertEquals(0, f.count("SELECT count(*) FROM contracts WHERE signed_at IS NOT NULL AND " + readable("signed_at") + " = 0"));
      assertEquals(0, f.count("SELECT count(*) FROM missions WHERE " + badNumber("hourly_rate") + " OR hourly_rate IS NULL"));
      assertEquals(0, f.count("SELECT count(*) FROM contracts WHERE " + badNumber("hourly_rate") + " OR "
          + badNumber("hours_worked")));
      for (SourceContract t : SourceContract.values()) {
        assertEquals(0, f.count("SELECT count(*) FROM " + t.tableName() + " WHERE lower(trim(" + t.enumColumn()
            + ")) NOT IN ('" + String.join("', '", t.enumValues()) + "')"), t.tableName());
      }
    }
  }

  @Test
  void dirtyRowsBreakEachRuleAsCounted() throws Exception {
    Summary s = dirtySummary;
    try (SqliteFixture f = new SqliteFixture(dirty)) {
      for (String t : TABLES) {
        assertEquals(s.injected(t, Defect.MISSING_KEY), f.count("SELECT count(*) FROM " + t + " WHERE id IS NULL"), t);
        assertEquals(s.injected(t, Defect.DUPLICATE), f.count("SELECT count(*) FROM (SELECT id FROM " + t
            + " WHERE id IS NOT NULL GROUP BY id HAVING count(*) > 1 AND count(DISTINCT updated_at) > 1)"), t);
        SourceContract st = SourceContract.of(t);
        assertEquals(s.injected(t, Defect.BAD_ENUM), f.count("SELECT count(*) FROM " + t + " WHERE lower(trim("
            + st.enumColumn() + ")) NOT IN ('" + String.join("', '", st.enumValues()) + "')"), t);
      }
      assertEquals(s.injected("missions", Defect.BAD_TIMESTAMP), f.count("SELECT count(*) FROM missions WHERE "
          + readable("start_at") + " * " + readable("end_at") + " * " + readable("created_at") + " = 0"));
      assertEquals(s.injected("mission_applications", Defect.BAD_TIMESTAMP),
          f.count("SELECT count(*) FROM mission_applications WHERE " + readable("applied_at") + " = 0"));
      assertEquals(s.injected("contracts", Defect.BAD_TIMESTAMP),
          f.count("SELECT count(*) FROM contracts WHERE " + readable("start_date") + " = 0"));
      assertEquals(s.injected("missions", Defect.BAD_NUMBER), f.count("SELECT count(*) FROM missions WHERE "
          + badNumber("hourly_rate") + " OR hourly_rate IS NULL"));
      assertEquals(s.injected("contracts", Defect.BAD_NUMBER), f.count("SELECT count(*) FROM contracts WHERE "
          + badNumber("hourly_rate") + " OR " + badNumber("hours_worked")));
      // local times read as UTC are off by at most 2 h: shifts last 4 h or more, bad days are a day off or more
      assertEquals(s.injected("missions", Defect.BAD_RANGE), f.count("SELECT count(*) FROM missions WHERE "
          + approxEpoch("end_at") + " < " + approxEpoch("start_at")));
      assertEquals(s.injected("contracts", Defect.BAD_RANGE), f.count("SELECT count(*) FROM contracts WHERE "
          + approxEpoch("end_date") + " < " + approxEpoch("start_date") + " - 43200"));
      assertEquals(s.injected("missions", Defect.ORPHAN), f.count("SELECT count(*) FROM missions m WHERE NOT EXISTS"
          + " (SELECT 1 FROM users u WHERE u.id = m.establishment_id)"));
      assertEquals(s.injected("mission_applications", Defect.ORPHAN), f.count("SELECT count(*) FROM"
          + " mission_applications a WHERE NOT EXISTS (SELECT 1 FROM missions m WHERE m.id = a.mission_id)"));
      assertEquals(s.injected("contracts", Defect.ORPHAN), f.count("SELECT count(*) FROM contracts c WHERE NOT EXISTS"
          + " (SELECT 1 FROM missions m WHERE m.id = c.mission_id)"));
      // about 2% of each table's rows per rule
      for (String t : TABLES) {
        long base = cleanSummary.rows(t);
        for (Defect d : Defect.applicable(SourceContract.of(t))) {
          double rate = s.injected(t, d) / (double) base;
          assertTrue(rate > (t.equals("users") || d == Defect.DUPLICATE ? 0.008 : 0.015) && rate < 0.025,
              t + " " + d + " " + rate);
        }
      }
      // the schema of a merged export: no primary key, so null and repeated ids fit
      assertFalse(f.count("SELECT count(*) FROM sqlite_master WHERE name = 'missions' AND sql LIKE '%PRIMARY KEY%'") > 0);
    }
  }

  @Test
  void theCleanPartIsTheSameWithAndWithoutDirt() throws Exception {
    try (SqliteFixture d = new SqliteFixture(dirty); SqliteFixture c = new SqliteFixture(clean)) {
      for (String t : TABLES) {
        // injected rows: null or high ids; stale duplicates come after the row they copy
        String original = "id < " + Generator.DIRTY_ID_BASE + " AND rowid = (SELECT min(rowid) FROM " + t
            + " x WHERE x.id = " + t + ".id)";
        assertEquals(c.digest(t), d.digest(t, original), t);
      }
      assertEquals(1, c.count("SELECT count(*) FROM sqlite_master WHERE name = 'missions' AND sql LIKE '%PRIMARY KEY%'"));
      assertTrue(c.count("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'missions_location'") == 1);
    }
  }

  @Test
  void splitSetUnionEqualsTheSingleFile() throws Exception {
    Path single = dir.resolve("single.db");
    Path split = dir.resolve("split");
    Generator.create().missions(3_000).seed(9).dirty(true).writeSqlite(single);
    Summary s = Generator.create().missions(3_000).seed(9).dirty(true).split(split).run();
    assertEquals(3, s.files().size());
    try (SqliteFixture one = new SqliteFixture(single)) {
      for (Map.Entry<String, List<String>> e : Generator.SPLIT_LAYOUT.entrySet()) {
        try (SqliteFixture part = new SqliteFixture(split.resolve(e.getKey()))) {
          assertEquals(e.getValue().size(), part.count("SELECT count(*) FROM sqlite_master WHERE type = 'table'"));
          for (String t : e.getValue()) {
            assertEquals(one.digest(t), part.digest(t), e.getKey() + " " + t);
          }
        }
      }
    }
  }

  @Test
  void refusesToOverwriteUnlessForced() throws Exception {
    Path out = dir.resolve("x.db");
    Files.writeString(out, "keep me");
    assertThrows(Generator.OutputExistsException.class,
        () -> Generator.create().missions(10).writeSqlite(out));
    assertEquals("keep me", Files.readString(out));
    Generator.create().missions(10).force(true).writeSqlite(out);
    try (SqliteFixture f = new SqliteFixture(out)) {
      assertEquals(10, f.count("SELECT count(*) FROM missions"));
    }
    assertFalse(Files.exists(dir.resolve("x.db.partial")));
  }
}
