package com.nurselink.warehouse.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Java hash against the server's own {@code hashtextextended}, value by value. */
class PgTextHashTest {
  @Test
  void equalsTheServersHashOnEveryLengthAndAlphabet() throws Exception {
    Random random = new Random(12);
    String alphabet = "abcXYZ019 -_'\"\\\t\néèàçÅßø€¥𝄞中文";
    List<String> texts = new ArrayList<>(PgTextHash.probes());
    for (int n = 0; n < 2000; n++) {
      StringBuilder sb = new StringBuilder();
      int len = n < 200 ? n % 50 : random.nextInt(300);
      while (sb.codePointCount(0, sb.length()) < len) {
        sb.appendCodePoint(alphabet.codePointAt(alphabet.offsetByCodePoints(0,
            random.nextInt(alphabet.codePointCount(0, alphabet.length())))));
      }
      texts.add(sb.toString());
    }
    try (MigrationTestSupport.PgDatabase db = new MigrationTestSupport.PgDatabase(); Connection pg = db.connect()) {
      assertTrue(PgTextHash.matches(pg));
      Array arr = pg.createArrayOf("text", texts.toArray());
      try (PreparedStatement ps = pg.prepareStatement("SELECT " + PgTextHash.sql("t")
          + ", hashtext(t) FROM unnest(?::text[]) WITH ORDINALITY AS u(t, n) ORDER BY n")) {
        ps.setArray(1, arr);
        try (ResultSet rs = ps.executeQuery()) {
          for (String t : texts) {
            assertTrue(rs.next());
            long h = PgTextHash.hash(t.getBytes(StandardCharsets.UTF_8));
            assertEquals(rs.getLong(1), h, t);
            assertEquals(rs.getInt(2), (int) h, t);        // seed 0: the low half is hashtext
          }
        }
      }
    }
  }

  @Test
  void textDigestsOfBothKindsEqualTheServersAggregates() throws Exception {
    List<String> texts = new ArrayList<>(PgTextHash.probes());
    texts.add("Théodor-Heuss-Straße 34");
    try (MigrationTestSupport.PgDatabase db = new MigrationTestSupport.PgDatabase(); Connection pg = db.connect()) {
      try (java.sql.Statement st = pg.createStatement()) {
        st.execute("CREATE TABLE t (v text)");
      }
      try (PreparedStatement ps = pg.prepareStatement("INSERT INTO t SELECT unnest(?::text[])")) {
        ps.setArray(1, pg.createArrayOf("text", texts.toArray()));
        ps.execute();
      }
      for (boolean pgHash : List.of(true, false)) {
        ColumnDigest d = new ColumnDigest(Kind.TEXT, -1, pgHash);
        texts.forEach(t -> d.addBytes(t.getBytes(StandardCharsets.UTF_8)));
        List<String> sql = ColumnDigest.sql(Kind.TEXT, "v", pgHash);
        List<java.math.BigDecimal> stored = new ArrayList<>();
        try (java.sql.Statement st = pg.createStatement();
             ResultSet rs = st.executeQuery("SELECT " + String.join(", ", sql) + " FROM t")) {
          assertTrue(rs.next());
          for (int i = 1; i <= sql.size(); i++) {
            stored.add(rs.getBigDecimal(i));
          }
        }
        assertEquals(d.values(), stored, "pgHash " + pgHash);
      }
      // one character changed in one value changes the hash sum, not the count nor the lengths
      ColumnDigest same = new ColumnDigest(Kind.TEXT, -1, true);
      ColumnDigest changed = new ColumnDigest(Kind.TEXT, -1, true);
      for (int i = 0; i < texts.size(); i++) {
        String t = texts.get(i);
        same.addBytes(t.getBytes(StandardCharsets.UTF_8));
        changed.addBytes((i == 20 ? t.substring(0, t.length() - 1) + "!" : t).getBytes(StandardCharsets.UTF_8));
      }
      assertEquals(same.values().subList(0, 2), changed.values().subList(0, 2));
      assertTrue(!same.values().get(2).equals(changed.values().get(2)));
    }
  }
}
