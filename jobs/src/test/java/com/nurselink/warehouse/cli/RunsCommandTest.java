package com.nurselink.warehouse.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nurselink runs} and the common options: input that reads badly is a one-line usage error. */
class RunsCommandTest {
  @TempDir Path dir;


  private CliResult run(String... args) throws Exception {
    Path conf = Files.createDirectories(dir.resolve("conf"));
    Files.writeString(conf.resolve("dev.conf"), "# test\n");
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--conf-dir", conf.toString(),
        "--conf", "warehouse.duckdb-path=" + dir.resolve("warehouse/nurselink.duckdb")));
    return CliResult.of(all);
  }

  @Test
  void aLastBelowOneIsAUsageError() throws Exception {
    assertEquals(new CliResult(2, "", "nurselink: error: --last must be 1 or more, got -1\n"), run("runs", "--last", "-1"));
    assertEquals(new CliResult(2, "", "nurselink: error: --last must be 1 or more, got 0\n"), run("runs", "--last", "0"));
  }

  @Test
  void aConfWithoutEqualsSaysWhatItExpects() throws Exception {
    assertEquals(new CliResult(2, "", "nurselink: error: --conf expects key=value, got 'nonsense'\n"),
        run("runs", "--conf", "nonsense"));
  }
}
