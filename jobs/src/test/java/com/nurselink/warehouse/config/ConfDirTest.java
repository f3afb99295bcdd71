package com.nurselink.warehouse.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where conf/ is read from: ./conf when it exists, else the installation's conf/. */
class ConfDirTest {
  @TempDir Path dir;

  @Test
  void theWorkingDirectorysConfWinsWhenItExists() throws Exception {
    Path local = Files.createDirectories(dir.resolve("work/conf"));
    Files.createDirectories(dir.resolve("install/conf"));
    assertEquals(local, Settings.defaultConfDir(local, dir.resolve("install").toString()));
  }

  @Test
  void otherwiseTheInstallationsConf() throws Exception {
    Path installed = Files.createDirectories(dir.resolve("install/conf"));
    Path local = dir.resolve("work/conf");
    assertEquals(installed, Settings.defaultConfDir(local, dir.resolve("install").toString()));
    assertEquals(List.of(local, installed), Settings.confDirCandidates(local, dir.resolve("install").toString()));
  }

  @Test
  void withoutEitherOrWithoutInstallationTheWorkingDirectorysConf() {
    Path local = dir.resolve("work/conf");
    assertEquals(local, Settings.defaultConfDir(local, dir.resolve("install").toString()));
    assertEquals(local, Settings.defaultConfDir(local, null));
    assertEquals(List.of(local), Settings.confDirCandidates(local, null));
    assertEquals(List.of(local), Settings.confDirCandidates(local, ""));
  }

  @Test
  void anInstallationThatIsTheWorkingDirectoryIsTriedOnce() {
    Path local = dir.resolve("conf");
    assertEquals(List.of(local), Settings.confDirCandidates(local, dir.toString()));
  }

  @Test
  void aGivenDirectoryWithoutTheFileIsNamed() {
    Path given = dir.resolve("elsewhere");
    ConfigException e = assertThrows(ConfigException.class,
        () -> Settings.builder().env("dev").confDir(given).environment(Map.of()).build());
    assertEquals("no configuration file for environment 'dev': " + given.resolve("dev.conf") + " does not exist",
        e.getMessage());
  }

  @Test
  void aConfWithoutEqualsSaysWhatItExpects() {
    ConfigException e = assertThrows(ConfigException.class, () -> Settings.builder().override("nonsense"));
    assertEquals("--conf expects key=value, got 'nonsense'", e.getMessage());
  }
}
