package com.nurselink.warehouse.staging;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lower;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.nurselink.warehouse.SparkTestBase;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * {@link Text#stripLower}, which staging applies to the enumerated columns, against what Spark's
 * {@code lower()} (ICU's case mapping) gives for the same stripped text.
 */
class TextTest extends SparkTestBase {
  /** Spark's lower() of each stripped value, in order. */
  private static List<String> sparkLower(List<String> values) {
    List<String> stripped = values.stream().map(Text::strip).toList();
    List<Row> rows = spark().createDataset(stripped, Encoders.STRING()).select(lower(col("value"))).collectAsList();
    return rows.stream().map(r -> r.getString(0)).toList();
  }

  @Test
  void enumeratedValuesAreStrippedAndLowerCasedAsSparkLowerCasesThem() {
    List<String> values = Arrays.asList(null, "", "   ", "completed", " Completed ", "COMPLETED  ", "In_Progress",
        "\u00A0Filled\uFEFF", "\tOPEN\n", "Nurse ", "COMPLETE\u0130", "\u00C7ANCELLED", "NURSE\u212A",
        "\u039DURSE", "\u039F\u0394\u039F\u03A3", "\u01C5", "\u1E9E", "\u24B6", "INFIRMI\u00C8RE", "e\u0301T\u00C9");
    List<String> ours = values.stream().map(Text::stripLower).toList();
    assertEquals(sparkLower(values), ours);
    assertNull(Text.stripLower(" \u00A0 "));
    assertEquals("in progress", Text.stripLower(" In Progress\uFEFF"));
  }

  @Test
  void noCharacterLowerCasesToAsciiDifferently() {
    // staging keeps an enumerated value only when it is one of the contract's values, all ASCII: for
    // every character of the first two planes, our lower case and Spark's are ASCII together, and
    // equal then (the Unicode versions of the JDK and of ICU may differ on the others)
    List<String> chars = new ArrayList<>();
    for (int cp = 0x21; cp < 0x20000; cp++) {
      if (!Character.isSurrogate((char) cp) || cp > 0xFFFF) {
        chars.add("a" + new String(Character.toChars(cp)) + "Z");
      }
    }
    List<String> spark = sparkLower(chars);
    int ascii = 0;
    for (int i = 0; i < chars.size(); i++) {
      String ours = Text.stripLower(chars.get(i));
      boolean oursAscii = ours.chars().allMatch(c -> c < 0x80);
      boolean sparkAscii = spark.get(i).chars().allMatch(c -> c < 0x80);
      assertEquals(sparkAscii, oursAscii, chars.get(i));
      if (oursAscii) {
        assertEquals(spark.get(i), ours, chars.get(i));
        ascii++;
      }
    }
    // the 95 ASCII characters from '!' to DEL, and the Kelvin sign (U+212A, lower case 'k')
    assertEquals(96, ascii);
  }
}
