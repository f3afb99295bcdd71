package com.nurselink.warehouse.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
  @TempDir Path dir;

  private Settings.Builder builder(String conf, Map<String, String> env) throws Exception {
    Files.writeString(dir.resolve("dev.conf"), conf);
    return Settings.builder().env("dev").confDir(dir).environment(env);
  }

  @Test
  void precedenceIsDefaultsFileEnvironmentConfThenExplicit() throws Exception {
    String conf = "lake.path = from-file\nextract.partitions = 3\nspark.shuffle-partitions = 5\n";
    Map<String, String> env = Map.of("NURSELINK_EXTRACT_PARTITIONS", "7", "NURSELINK_SPARK_SHUFFLE_PARTITIONS", "9");
    Settings s = builder(conf, env).override("spark.shuffle-partitions=11")
        .explicit(ConfigKey.SOURCE_URL, "x.db").build();
    assertEquals("Europe/Paris", s.get(ConfigKey.TIMEZONE));            // default
    assertEquals("from-file", s.get(ConfigKey.LAKE_PATH));              // file
    assertEquals(7, s.getInt(ConfigKey.EXTRACT_PARTITIONS));            // env over file
    assertEquals(11, s.getInt(ConfigKey.SPARK_SHUFFLE_PARTITIONS));     // --conf over env
    assertEquals("x.db", s.get(ConfigKey.SOURCE_URL));                  // explicit option
    assertEquals("environment NURSELINK_EXTRACT_PARTITIONS", s.origin(ConfigKey.EXTRACT_PARTITIONS));
  }

  @Test
  void unknownKeysAndWrongTypesAreRefusedWithTheirOrigin() throws Exception {
    ConfigException e = assertThrows(ConfigException.class, () -> builder("lake.pth = x\n", Map.of()).build());
    assertTrue(e.getMessage().contains("dev.conf") && e.getMessage().contains("lake.pth"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> builder("", Map.of()).override("nope=1").build());
    assertTrue(e.getMessage().contains("--conf") && e.getMessage().contains("nope"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> builder("extract.partitions = many\n", Map.of()).build());
    assertTrue(e.getMessage().contains("extract.partitions expects int"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> builder("business.timezone = Mars/Olympus\n", Map.of()).build());
    assertTrue(e.getMessage().contains("business.timezone"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> builder("", Map.of()).env("../etc").build());
    assertTrue(e.getMessage().contains("--env"), e.getMessage());
  }

  @Test
  void secretsMayNotBeWrittenInConfFilesAndAreMaskedInDescriptions() throws Exception {
    ConfigException e = assertThrows(ConfigException.class,
        () -> builder("warehouse.url = jdbc:postgresql://h/db?user=u&password=hunter2\n", Map.of()).build());
    assertTrue(e.getMessage().contains("NURSELINK_WAREHOUSE_URL"), e.getMessage());
    assertFalse(e.getMessage().contains("hunter2"));
    Settings s = builder("", Map.of("NURSELINK_WAREHOUSE_URL", "jdbc:postgresql://u:hunter2@h/db?password=hunter2"))
        .build();
    assertFalse(s.describe().contains("hunter2"), s.describe());
    assertTrue(s.describe().contains("warehouse.url = jdbc:postgresql://u:***@h/db?password=***"), s.describe());
  }

  @Test
  void perTableSourceKeysAreAcceptedOnlyForKnownTables() throws Exception {
    Settings s = builder("source.users.url = data/auth.db\nsource.users.table = app_users\n", Map.of()).build();
    assertEquals("data/auth.db", s.get("source.users.url"));
    ConfigException e = assertThrows(ConfigException.class,
        () -> builder("source.payments.url = x.db\n", Map.of()).build());
    assertTrue(e.getMessage().contains("source.payments.url"), e.getMessage());
  }

  private String refusal(Settings.Builder b) {
    return assertThrows(ConfigException.class, b::build).getMessage();
  }

  @Test
  void numbersOutOfTheirRangeAreRefusedWithOneLineNamingTheOriginAndTheRange() throws Exception {
    assertEquals("--conf: extract.partitions must be between 1 and 1024, got -3",
        refusal(builder("", Map.of()).override("extract.partitions=-3")));
    assertEquals("--conf: extract.partitions must be between 1 and 1024, got 0",
        refusal(builder("", Map.of()).override("extract.partitions=0")));
    assertEquals("--conf: extract.partitions must be between 1 and 1024, got 1025",
        refusal(builder("", Map.of()).override("extract.partitions=1025")));
    assertEquals(dir.resolve("dev.conf") + ": extract.fetch-size must be 1 or more, got 0",
        refusal(builder("extract.fetch-size = 0\n", Map.of())));
    assertEquals("environment NURSELINK_EXTRACT_RETRIES: extract.retries must be 0 or more, got -1",
        refusal(builder("", Map.of("NURSELINK_EXTRACT_RETRIES", "-1"))));
    assertEquals("--conf: extract.retry-backoff-ms must be 0 or more, got -5",
        refusal(builder("", Map.of()).override("extract.retry-backoff-ms=-5")));
    assertEquals("--conf: extract.busy-timeout-ms must be 0 or more, got -1",
        refusal(builder("", Map.of()).override("extract.busy-timeout-ms=-1")));
    assertEquals("--conf: extract.overlap-seconds must be 0 or more, got -300",
        refusal(builder("", Map.of()).override("extract.overlap-seconds=-300")));
    assertEquals("--conf: source.snapshot-retention-days must be 0 or more, got -1",
        refusal(builder("", Map.of()).override("source.snapshot-retention-days=-1")));
    assertEquals("--conf: spark.shuffle-partitions must be 1 or more, got 0",
        refusal(builder("", Map.of()).override("spark.shuffle-partitions=0")));
    assertEquals("--conf: alerts.job-budget-seconds must be 1 or more, got 0",
        refusal(builder("", Map.of()).override("alerts.job-budget-seconds=0")));
    assertEquals("--conf: alerts.quarantine-rate must be between 0 and 1, got 5",
        refusal(builder("", Map.of()).override("alerts.quarantine-rate=5")));
    assertEquals("--conf: alerts.quarantine-rate must be between 0 and 1, got -0.01",
        refusal(builder("", Map.of()).override("alerts.quarantine-rate=-0.01")));
    assertEquals("--conf: alerts.quarantine-rate must be between 0 and 1, got NaN",
        refusal(builder("", Map.of()).override("alerts.quarantine-rate=NaN")));
    assertEquals("--conf: alerts.kpi-change must be 0 or more, got -0.5",
        refusal(builder("", Map.of()).override("alerts.kpi-change=-0.5")));
  }

  @Test
  void numbersAtTheBoundsOfTheirRangeAreAccepted() throws Exception {
    Settings s = builder("", Map.of()).override("extract.partitions=1024").override("extract.fetch-size=1")
        .override("extract.retries=0").override("extract.retry-backoff-ms=0").override("extract.busy-timeout-ms=0")
        .override("extract.overlap-seconds=0").override("source.snapshot-retention-days=0")
        .override("spark.shuffle-partitions=1").override("alerts.job-budget-seconds=1")
        .override("alerts.quarantine-rate=1").override("alerts.kpi-change=0").build();
    assertEquals(1024, s.getInt(ConfigKey.EXTRACT_PARTITIONS));
    assertEquals(1, s.getInt(ConfigKey.EXTRACT_FETCH_SIZE));
    assertEquals(0, s.getInt(ConfigKey.EXTRACT_RETRIES));
    assertEquals(1, s.getInt(ConfigKey.SPARK_SHUFFLE_PARTITIONS));
    assertEquals(1.0, s.getDouble(ConfigKey.ALERTS_QUARANTINE_RATE));
    assertEquals(0.0, s.getDouble(ConfigKey.ALERTS_KPI_CHANGE));
    assertEquals(1, builder("", Map.of()).override("extract.partitions=1").build().getInt(ConfigKey.EXTRACT_PARTITIONS));
    assertEquals(0.0, builder("", Map.of()).override("alerts.quarantine-rate=0").build()
        .getDouble(ConfigKey.ALERTS_QUARANTINE_RATE));
  }

  @Test
  void everyNumberKeyDeclaresItsRangeAndItsDefaultIsInIt() {
    for (ConfigKey k : ConfigKey.all()) {
      if (k.type() == ConfigKey.Type.INT || k.type() == ConfigKey.Type.DOUBLE) {
        assertTrue(k.rangeText() != null, k.name() + " has no range");
        assertTrue(k.inRange(Double.parseDouble(k.defaultValue())), k.name() + " default " + k.defaultValue());
      } else {
        assertEquals(null, k.rangeText(), k.name());
      }
    }
    assertEquals("between 1 and 1024", ConfigKey.EXTRACT_PARTITIONS.rangeText());
    assertEquals("0 or more", ConfigKey.EXTRACT_RETRIES.rangeText());
    assertEquals("between 0 and 1", ConfigKey.ALERTS_QUARANTINE_RATE.rangeText());
  }

  @Test
  void anEmptyNumberIsRefusedAndABareSecretIsMaskedInDescriptions() throws Exception {
    assertEquals("--conf: extract.partitions expects int, got an empty value (leave the key out for its default, 4)",
        refusal(builder("", Map.of()).override("extract.partitions=")));
    Settings s = builder("", Map.of("NURSELINK_PSEUDONYM_KEY", "Bare-Key-91c2e")).build();
    assertTrue(s.describe().contains("pseudonym.key = ***   (environment NURSELINK_PSEUDONYM_KEY)"), s.describe());
    assertFalse(s.describe().contains("Bare-Key-91c2e"), s.describe());
  }
}
