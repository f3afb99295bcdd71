package com.nurselink.warehouse;

import com.nurselink.warehouse.util.Sparks;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * One local Spark session for the whole test suite (local[2], UI off, loopback, UTC), shared by
 * every test class of the JVM; helpers {@link #sql} and {@link #row}.
 */
public abstract class SparkTestBase {
  private static SparkSession session;

  protected static synchronized SparkSession spark() {
    if (session == null) {
      session = Sparks.session("nurselink-tests", "local[2]", 2, false);
    }
    return session;
  }

  protected static List<Row> sql(String fmt, Object... args) {
    return spark().sql(String.format(fmt, args)).collectAsList();
  }

  protected static Row row(Object... values) {
    return RowFactory.create(values);
  }

  /** Rows of a dataset sorted by their string form, for whole-list assertions. */
  protected static List<Row> sorted(Dataset<Row> df) {
    List<Row> rows = new ArrayList<>(df.collectAsList());
    rows.sort((a, b) -> a.toString().compareTo(b.toString()));
    return rows;
  }
}
