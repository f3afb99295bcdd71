package com.nurselink.warehouse.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nurselink.warehouse.SparkTestBase;
import com.nurselink.warehouse.cli.RunCommand;
import com.nurselink.warehouse.config.Settings;
import com.nurselink.warehouse.ops.Ledger;
import com.nurselink.warehouse.sink.Warehouses;
import com.nurselink.warehouse.source.SqliteSnapshots;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failing run: non-zero exit, a failed ledger row, exactly one alert; snapshot retention. */
class RunFailureTest extends SparkTestBase {
  @TempDir Path dir;

  @Test
  void aFailingRunWritesAFailedLedgerRowAndSendsOneAlert() throws Exception {
    List<String> received = new CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", ex -> {
      received.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
    server.start();
    try {
      Path missing = dir.resolve("nowhere.db");
      Settings s = Settings.builder().noConfFile()
          .environment(Map.of("NURSELINK_ALERTS_WEBHOOK_URL",
              "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/T000/B000/secrettoken123"))
          .override("lake.path=" + dir.resolve("lake"))
          .override("warehouse.duckdb-path=" + dir.resolve("w.duckdb"))
          .override("source.snapshot-dir=" + dir.resolve("snaps"))
          .build();
      int rc = RunCommand.execute(s, missing.toString(), LocalDate.parse("2026-03-31"), List.of(), false, false);
      assertEquals(1, rc);
      List<Ledger.Entry> rows = Warehouses.ledger(s).last(10);
      assertEquals(1, rows.size(), "only the failed job has a row: " + rows);
      Ledger.Entry e = rows.get(0);
      assertEquals("extract", e.job());
      assertEquals("failed", e.status());
      assertEquals(LocalDate.parse("2026-03-31"), e.logicalDate());
      assertEquals("source file not found: " + missing, e.error());
      assertEquals(1, received.size(), "one alert: " + received);
      assertTrue(received.get(0).contains("job extract failed for 2026-03-31: source file not found"),
          received.get(0));
      assertFalse(received.get(0).contains("secrettoken123"));
      assertFalse(Files.exists(dir.resolve("lake").resolve("raw")), "nothing written");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void snapshotsOlderThanTheRetentionAndAbandonedPartialCopiesArePruned() throws Exception {
    Path snaps = Files.createDirectories(dir.resolve("snaps"));
    Path old = Files.writeString(snaps.resolve("app-old.db"), "x");
    Path recent = Files.writeString(snaps.resolve("app-recent.db"), "x");
    Instant now = Instant.parse("2026-11-21T02:00:00Z");
    Files.setLastModifiedTime(old, FileTime.from(now.minus(Duration.ofDays(8))));
    Files.setLastModifiedTime(recent, FileTime.from(now.minus(Duration.ofDays(6))));
    // partial copies: one abandoned by a killed run, one a live backup is writing
    Path abandoned = Files.writeString(snaps.resolve(".app-20261120T020000-aaaa.db.partial"), "x");
    Path live = Files.writeString(snaps.resolve(".app-20261121T015900-bbbb.db.partial"), "x");
    Files.setLastModifiedTime(abandoned, FileTime.from(now.minus(Duration.ofMinutes(61))));
    Files.setLastModifiedTime(live, FileTime.from(now.minus(Duration.ofSeconds(5))));
    assertEquals(2, SqliteSnapshots.prune(snaps, 7, now));
    assertFalse(Files.exists(old));
    assertTrue(Files.exists(recent));
    assertFalse(Files.exists(abandoned));
    assertTrue(Files.exists(live));
  }
}
