package com.nurselink.warehouse.serve;

/** The Redis keys the serve job publishes (README, "Serving"). */
public final class ServeKeys {
  /** JSON array: the most popular open missions. */
  public static final String POPULAR = "missions:popular";
  /** {@code missions:popular:<city>}: the same for one city. */
  public static final String POPULAR_CITY_PREFIX = POPULAR + ":";
  /** {@code features:nurse:<nurse_id>}: a hash of the nurse's features. */
  public static final String NURSE_PREFIX = "features:nurse:";
  /** Hash describing the published nurse features (as_of_date, run_id, rows, schema), written last. */
  public static final String NURSE_META = NURSE_PREFIX + "_meta";
  /**
   * Set of every field name a nurse hash may hold (the publisher's bookkeeping: a hash setting all of
   * them is replaced by one {@code HSET}).
   */
  public static final String NURSE_FIELDS = NURSE_PREFIX + "_fields";

  private ServeKeys() {}

  public static String popularCity(String city) {
    return POPULAR_CITY_PREFIX + city;
  }

  public static String nurse(String nurseId) {
    return NURSE_PREFIX + nurseId;
  }

  /** Whether a key under {@link #NURSE_PREFIX} is a nurse's (not {@code _meta} or another bookkeeping key). */
  static boolean isNurseKey(String key) {
    return key.startsWith(NURSE_PREFIX) && key.length() > NURSE_PREFIX.length()
        && key.charAt(NURSE_PREFIX.length()) != '_';
  }
}
