package com.nurselink.warehouse.staging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TimestampsTest {
  private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

  private static void is(String expectedUtc, String text) {
    assertEquals(Instant.parse(expectedUtc), Timestamps.parse(text, PARIS), text);
  }

  private static void unreadable(String text) {
    assertNull(Timestamps.parse(text, PARIS), text);
  }

  @Test
  void isoWithOffsets() {
    is("2025-06-10T08:00:00Z", "2025-06-10T08:00:00Z");
    is("2025-06-10T08:00:00Z", "2025-06-10T08:00:00z");
    is("2025-06-10T08:00:00Z", "2025-06-10 10:00:00+02:00");
    is("2025-06-10T08:00:00Z", "2025-06-10T10:00:00+0200");
    is("2025-06-10T08:00:00Z", "2025-06-10 10:00:00+02");
    is("2025-06-10T08:00:00Z", "2025-06-10 10:00:00 +02:00");
    is("2025-06-10T11:30:00Z", "2025-06-10T10:00:00-01:30");
    is("2025-06-10T11:30:00Z", "2025-06-10T10:00-0130");
    is("2025-06-10T08:00:00Z", "2025-06-10t08:00Z");
  }

  @Test
  void isoLocalInTheZone() {
    is("2025-06-10T08:00:00Z", "2025-06-10T10:00:00");   // CEST, +02:00
    is("2025-06-10T08:00:00Z", "2025-06-10 10:00:00");
    is("2025-06-10T08:00:00Z", "2025-06-10 10:00");
    is("2025-01-15T09:00:00Z", "2025-01-15 10:00:00");   // CET, +01:00
    assertEquals(Instant.parse("2025-06-10T10:00:00Z"), Timestamps.parse("2025-06-10 10:00:00", ZoneOffset.UTC));
    assertEquals(Instant.parse("2025-06-10T10:00:00Z"), Timestamps.parse("2025-06-10 10:00:00", ZoneId.of("UTC")));
  }

  @Test
  void fractionalSeconds() {
    is("2025-06-10T08:00:00.500Z", "2025-06-10T10:00:00.5");
    is("2025-06-10T08:00:00.120Z", "2025-06-10T10:00:00,12");
    is("2025-06-10T08:00:00.123456Z", "2025-06-10 10:00:00.123456");
    is("2025-06-10T08:00:00.123456789Z", "2025-06-10T08:00:00.123456789Z");
    is("2025-06-10T08:00:00.000000001Z", "2025-06-10T10:00:00.000000001+02:00");
    unreadable("2025-06-10T10:00:00.1234567891");
    unreadable("2025-06-10T10:00:00.");
    unreadable("2025-06-10T10:00:00.Z");
  }

  @Test
  void bareDateIsLocalMidnight() {
    is("2025-06-09T22:00:00Z", "2025-06-10");
    is("2025-01-14T23:00:00Z", "2025-01-15");
    is("2024-02-28T23:00:00Z", "2024-02-29");
  }

  @Test
  void daylightSavingEdgesInParis() {
    // 2025-03-30 02:00 -> 03:00: 02:30 does not exist, shifted forward by the gap to 03:30 CEST
    is("2025-03-30T01:30:00Z", "2025-03-30 02:30");
    is("2025-03-30T00:59:59Z", "2025-03-30 01:59:59");
    is("2025-03-30T01:00:00Z", "2025-03-30 03:00:00");
    // 2025-10-26 03:00 -> 02:00: 02:30 exists twice, the earlier offset (+02:00) wins
    is("2025-10-26T00:30:00Z", "2025-10-26 02:30");
    is("2025-10-26T01:30:00Z", "2025-10-26T02:30:00+01:00");
    is("2025-10-26T02:30:00Z", "2025-10-26 03:30");
    // 23:30 UTC is already the next day in Paris (checked on local dates in StagingTest)
    is("2025-06-10T23:30:00Z", "2025-06-11 01:30");
  }

  @Test
  void epochSecondsAndMilliseconds() {
    is("2024-06-10T06:13:20Z", "1718000000");
    is("2024-06-10T06:13:20Z", "1718000000.0");
    is("2024-06-10T06:13:20Z", " 1718000000.000 ");
    is("2024-06-10T06:13:20.500Z", "1718000000.5");
    is("2024-06-10T06:13:20Z", "1718000000000");
    is("2024-06-10T06:13:20.123Z", "1718000000123");
    is("2024-06-10T06:13:20.123500Z", "1718000000123.5");
    is("2024-06-10T06:13:20Z", "1.718e9");
    is("2024-06-10T06:13:20Z", "1.718E12");
    is("2024-06-10T06:13:20Z", "+1718000000");
    is("1970-01-01T00:00:00Z", "0");
    is("1969-12-31T00:00:00Z", "-86400");
    is("1969-12-31T23:59:58.500Z", "-1.5");
    is("1970-01-01T00:00:00.001500Z", "1.5e-3");
    // 10^11 is still seconds (year 5138); above it, milliseconds
    is("5138-11-16T09:46:40Z", "100000000000");
    is("1973-03-03T09:46:40.001Z", "100000000001");
    is("1966-10-31T14:13:19.999Z", "-100000000001");
    unreadable("1e999");
    unreadable("1e9999");
    unreadable("99999999999999999999999");
    unreadable("1718000000,5");
    unreadable("1e");
    unreadable("-");
    unreadable(".");
  }

  @Test
  void extremeYears() {
    is("0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z");
    is("0001-01-01T00:00:00Z", "-62135596800");
    unreadable("-62135596801");
    is("0001-01-01T00:00:00Z", "-62135596800000");
    unreadable("-62135596800001");
    // Paris was on local mean time, +00:09:21
    is("0001-01-01T23:50:39Z", "0001-01-02");
    unreadable("0001-01-01 00:00:00");
    is("9999-12-31T22:59:59Z", "9999-12-31 23:59:59");
    is("9999-12-31T23:59:59.999999999Z", "9999-12-31T23:59:59.999999999Z");
    // epoch seconds of year 9999 are above 10^11, hence read as milliseconds
    is("9999-12-31T23:59:59.999Z", "253402300799999");
    unreadable("253402300800000");
    is("1978-01-11T21:31:40.799Z", "253402300799");
    unreadable("9999-12-31T23:59:59-01:00");
    unreadable("0000-01-01");
    unreadable("10000-01-01");
  }

  @Test
  void unreadableTexts() {
    unreadable(null);
    unreadable("");
    unreadable("  \t ");
    unreadable("abc");
    unreadable("NaN");
    unreadable("Infinity");
    unreadable("2025-02-29");
    unreadable("2025-13-01");
    unreadable("2025-04-31");
    unreadable("2025-06-10T24:00");
    unreadable("2025-06-10T10:60");
    unreadable("2025-06-10T10:00:60");
    unreadable("2025-06-10T10");
    unreadable("2025-06-10X10:00");
    unreadable("2025-06-10T10:00:00+19:00");
    unreadable("2025-06-10T10:00:00+02:0");
    unreadable("2025-06-10T10:00:00+02:60");
    unreadable("2025-06-10T10:00:00 UTC");
    unreadable("2025-06-10T10:00:00Zjunk");
    unreadable("2025-6-10");
    unreadable("2025/06/10");
    unreadable("10/06/2025");
  }

  @Test
  void trimmingNulBytesAndHugeTexts() {
    is("2025-06-10T08:00:00Z", "\t 2025-06-10T08:00:00Z\n");
    is("2025-06-10T08:00:00Z", "\u00002025-06-10T08:00:00Z\u0000");
    is("2025-06-10T08:00:00Z", "\u00A02025-06-10T08:00:00Z\uFEFF");
    unreadable("2025-06-10\u000010:00");
    unreadable("2025-06-10T08:00:00Z" + "x".repeat(1 << 20));
    unreadable("1".repeat(1 << 20));
    unreadable(" ".repeat(1 << 20));
  }

  @Test
  void micros() {
    assertEquals(1_718_000_000_123_456L, Timestamps.parseMicros("1718000000.123456789", PARIS));
    assertEquals(-62_135_596_800_000_000L, Timestamps.parseMicros("0001-01-01T00:00:00Z", PARIS));
    assertNull(Timestamps.parseMicros("garbage", PARIS));
  }
}
