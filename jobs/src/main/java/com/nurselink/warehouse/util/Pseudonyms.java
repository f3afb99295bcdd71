package com.nurselink.warehouse.util;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed pseudonyms of personal data: HMAC-SHA256 of the trimmed, lower-cased value, hex encoded.
 * The same person gets the same pseudonym across runs with the same key; without the key the
 * pseudonym cannot be linked back to the value.
 */
public final class Pseudonyms implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  /** Used in dev only when no key is configured; a prod or staging run refuses to start without one. */
  public static final String DEV_KEY = "nurselink-dev-only-pseudonym-key";

  private final byte[] key;
  private transient Mac mac;

  public Pseudonyms(String key) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("empty pseudonym key");
    }
    this.key = key.getBytes(StandardCharsets.UTF_8);
  }

  public String of(String value) {
    if (value == null) {
      return null;
    }
    String norm = value.strip().toLowerCase(Locale.ROOT);
    if (norm.isEmpty()) {
      return null;
    }
    try {
      if (mac == null) {
        mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
      }
      return HexFormat.of().formatHex(mac.doFinal(norm.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 unavailable", e);
    }
  }

  @Override
  public String toString() {
    return "Pseudonyms[key=***]";
  }
}
