package com.nurselink.warehouse.lake;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.expressions.Aggregator;
import org.apache.spark.sql.functions;
import scala.Tuple2;

/**
 * The fingerprint of each partition of a write: its row count and the exact sum of its rows' 64-bit
 * hashes ({@code xxhash64} of every column), as {@code "<count>:<sum>"}, the whole as a JSON object
 * from partition value to fingerprint. An aggregate an {@link org.apache.spark.sql.Observation}
 * computes while the rows are written, so that deciding which partitions changed reads nothing
 * back. Spark has no grouped aggregate for an observation; this one keeps a map per task (a table
 * has tens of partitions) and an exact 128-bit sum per partition.
 */
final class PartitionFingerprints extends Aggregator<Tuple2<String, Long>, TreeMap<String, long[]>, String> {
  private static final long serialVersionUID = 1L;
  /** The key of rows without a partition value (an error the caller reports). */
  static final String NO_VALUE = "\u0000";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The aggregate over {@code partitionColumn} and the hash of every column of {@code columns}. */
  static Column of(String partitionColumn, String[] columns) {
    Column[] all = java.util.Arrays.stream(columns).map(functions::col).toArray(Column[]::new);
    return functions.udaf(new PartitionFingerprints(), Encoders.tuple(Encoders.STRING(), Encoders.LONG()))
        .apply(functions.col(partitionColumn).cast("string"), functions.xxhash64(all));
  }

  @Override
  public TreeMap<String, long[]> zero() {
    return new TreeMap<>();
  }

  @Override
  public TreeMap<String, long[]> reduce(TreeMap<String, long[]> buffer, Tuple2<String, Long> row) {
    long[] p = buffer.computeIfAbsent(row._1() == null ? NO_VALUE : row._1(), k -> new long[3]);
    p[0]++;
    add(p, row._2() < 0 ? -1 : 0, row._2());
    return buffer;
  }

  @Override
  public TreeMap<String, long[]> merge(TreeMap<String, long[]> a, TreeMap<String, long[]> b) {
    for (Map.Entry<String, long[]> e : b.entrySet()) {
      long[] p = a.computeIfAbsent(e.getKey(), k -> new long[3]);
      p[0] += e.getValue()[0];
      add(p, e.getValue()[1], e.getValue()[2]);
    }
    return a;
  }

  /** {@code p[1]:p[2]} (high and low words of a signed 128-bit sum) plus {@code hi:lo}. */
  private static void add(long[] p, long hi, long lo) {
    long sum = p[2] + lo;
    p[1] += hi + (Long.compareUnsigned(sum, p[2]) < 0 ? 1 : 0);
    p[2] = sum;
  }

  @Override
  public String finish(TreeMap<String, long[]> buffer) {
    Map<String, String> out = new TreeMap<>();
    buffer.forEach((k, p) -> out.put(k, p[0] + ":"
        + BigInteger.valueOf(p[1]).shiftLeft(64).add(new BigInteger(Long.toUnsignedString(p[2])))));
    try {
      return JSON.writeValueAsString(out);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Encoder<TreeMap<String, long[]>> bufferEncoder() {
    return (Encoder) Encoders.javaSerialization(TreeMap.class);
  }

  @Override
  public Encoder<String> outputEncoder() {
    return Encoders.STRING();
  }
}
