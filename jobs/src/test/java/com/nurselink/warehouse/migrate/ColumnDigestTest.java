package com.nurselink.warehouse.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The exact sums of the verification against BigInteger's. */
class ColumnDigestTest {
  @Test
  void anExactSumWrapsAndCarriesAsBigIntegerAdds() {
    SplittableRandom random = new SplittableRandom(7);
    long[][] runs = {
      {Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, 1, Long.MIN_VALUE, Long.MIN_VALUE, -1, Long.MIN_VALUE},
      random.longs(100_000).toArray(),                                   // any value: about every other add wraps
      random.longs(100_000, 0, Long.MAX_VALUE).toArray(),                // positive only: the sum grows past 2^63
      random.longs(100_000, Long.MIN_VALUE, 0).toArray(),                // negative only
      random.longs(100_000, 1_600_000_000_000_000L, 1_700_000_000_000_000L).toArray(),   // timestamps in micros
    };
    for (long[] run : runs) {
      ColumnDigest.ExactSum sum = new ColumnDigest.ExactSum();
      BigInteger expected = BigInteger.ZERO;
      for (long v : run) {
        sum.add(v);
        expected = expected.add(BigInteger.valueOf(v));
      }
      assertEquals(expected, sum.value());
    }
  }
}
