package com.nurselink.warehouse.staging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NumbersTest {
  private static void number(double expected, String text) {
    assertEquals(expected, Numbers.parse(text), text);
  }

  private static void notANumber(String text) {
    assertNull(Numbers.parse(text), text);
    assertTrue(Numbers.isBad(text), text);
  }

  @Test
  void decimalPointCommaAndIntegers() {
    number(42.5, "42.5");
    number(42.5, "42,5");
    number(42.0, "42");
    number(42.0, " 42 ");
    number(-3.25, "-3,25");
    number(3.0, "+3");
    number(0.5, ".5");
    number(0.5, ",5");
    number(5.0, "5.");
    number(1.0e20, "1.0e+20");
    number(1.5e-3, "1.5E-3");
    number(42.5, "\u000042.5\u0000");
    number(0.0, "-0");
    assertEquals(Double.doubleToLongBits(0.0), Double.doubleToLongBits(Numbers.parse("-0.0")));
  }

  @Test
  void rejectsNonNumbers() {
    notANumber("NaN");
    notANumber("nan");
    notANumber("Infinity");
    notANumber("-Infinity");
    notANumber("1e999");
    notANumber("0x1F");
    notANumber("1d");
    notANumber("1f");
    notANumber("1,234.5");
    notANumber("1.234,5");
    notANumber("1.2.3");
    notANumber("12 5");
    notANumber("abc");
    notANumber("-");
    notANumber(".");
    notANumber("1e");
    notANumber("1e+");
    notANumber("e5");
    notANumber("€42");
    notANumber("4\u00002");
    notANumber("x".repeat(1 << 20));
  }

  @Test
  void absentIsNotBad() {
    for (String absent : new String[] {null, "", "   ", "\t\n", "\u0000"}) {
      assertNull(Numbers.parse(absent));
      assertTrue(Numbers.isAbsent(absent));
      assertFalse(Numbers.isBad(absent));
    }
    assertFalse(Numbers.isAbsent("x"));
    assertFalse(Numbers.isBad("42,5"));
  }

  @Test
  void idsAreExactLongs() {
    assertEquals(42L, Numbers.parseId("42"));
    assertEquals(42L, Numbers.parseId(" 0042 "));
    assertEquals(42L, Numbers.parseId("42.0"));
    assertEquals(-7L, Numbers.parseId("-7"));
    // 2^53 + 1 is not representable as a double
    assertEquals(9_007_199_254_740_993L, Numbers.parseId("9007199254740993"));
    assertEquals(Long.MAX_VALUE, Numbers.parseId("9223372036854775807"));
    assertEquals(Long.MIN_VALUE, Numbers.parseId("-9223372036854775808"));
    assertNull(Numbers.parseId("9223372036854775808"));
    assertNull(Numbers.parseId("-9223372036854775809"));
    assertNull(Numbers.parseId("99999999999999999999999"));
    assertNull(Numbers.parseId("42.5"));
    assertNull(Numbers.parseId("4.2e1"));
    assertNull(Numbers.parseId("42,0"));
    assertNull(Numbers.parseId("abc"));
    assertNull(Numbers.parseId("-"));
    assertNull(Numbers.parseId(""));
    assertNull(Numbers.parseId(null));
    assertNull(Numbers.parseId("1".repeat(1 << 20)));
  }
}
