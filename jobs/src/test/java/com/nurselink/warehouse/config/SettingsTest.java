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
}
