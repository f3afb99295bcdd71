package com.nurselink.warehouse.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.jdbc.UncheckedSQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A namespace created by another writer between the look-up and the creation, on Iceberg's JDBC
 * catalog over SQLite (the catalog of the S3 and HDFS lakes): the interleaving forced by a catalog
 * whose look-up, the one {@code createNamespace} makes before its insert, lets the other writer insert
 * first.
 */
class LakeNamespaceTest {
  @TempDir Path dir;

  /** A JDBC catalog of the lake {@code lake} in {@code catalog.db}; the files of no table are touched. */
  private static <C extends JdbcCatalog> C open(C catalog, Path dir) {
    catalog.initialize("lake", Map.of(CatalogProperties.URI, "jdbc:sqlite:" + dir.resolve("catalog.db"),
        CatalogProperties.WAREHOUSE_LOCATION, dir.resolve("warehouse").toUri().toString(),
        CatalogProperties.FILE_IO_IMPL, "org.apache.iceberg.inmemory.InMemoryFileIO"));
    return catalog;
  }

  /** Answers its {@code raceAt}-th look-up of a namespace as it stood before {@code other} created it. */
  private static final class Raced extends JdbcCatalog {
    final List<Boolean> answers = new CopyOnWriteArrayList<>();
    private final JdbcCatalog other;
    private final int raceAt;

    Raced(JdbcCatalog other, int raceAt) {
      this.other = other;
      this.raceAt = raceAt;
    }

    @Override
    public boolean namespaceExists(Namespace namespace) {
      boolean before = super.namespaceExists(namespace);
      if (answers.size() + 1 == raceAt) {
        other.createNamespace(namespace);
      }
      answers.add(before);
      return before;
    }
  }

  @Test
  void aNamespaceAnotherWriterInsertsBeforeTheCatalogsOwnInsertIsNoFailure() throws Exception {
    try (JdbcCatalog other = open(new JdbcCatalog(), dir); Raced bare = open(new Raced(other, 1), dir);
        Raced raced = open(new Raced(other, 2), dir)) {
      // as it happened: both saw no namespace, the other inserted first, the catalog's insert failed
      UncheckedSQLException insert = assertThrows(UncheckedSQLException.class,
          () -> bare.createNamespace(Namespace.of("kpi")));
      assertTrue(insert.getMessage().contains("INSERT INTO iceberg_namespace_properties"), insert.getMessage());

      Namespace features = Namespace.of("features");
      Lake.ensureNamespace(raced, features);
      assertEquals(List.of(false, false, true), raced.answers, "ours, the catalog's own before its insert, ours again");
      assertTrue(other.namespaceExists(features));
      // there already: one look-up, nothing created
      Lake.ensureNamespace(raced, features);
      assertEquals(List.of(false, false, true, true), raced.answers);
    }
  }

  @Test
  void aCreationThatFailsWithoutTheNamespaceAppearingIsThrownAsItCame() throws Exception {
    RuntimeException refused = new UncheckedSQLException("the catalog database is read-only");
    try (JdbcCatalog refusing = open(new JdbcCatalog() {
      @Override
      public void createNamespace(Namespace namespace, Map<String, String> metadata) {
        throw refused;
      }
    }, dir)) {
      Namespace stage = Namespace.of("stage");
      assertSame(refused, assertThrows(RuntimeException.class, () -> Lake.ensureNamespace(refusing, stage)));
      assertFalse(refusing.namespaceExists(stage));
    }
  }
}
