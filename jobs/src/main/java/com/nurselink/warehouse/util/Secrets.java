package com.nurselink.warehouse.util;

import java.util.regex.Pattern;

/** Keeps passwords and keys out of logs, errors and ledger rows. */
public final class Secrets {
  private static final Pattern USERINFO = Pattern.compile("(//[^/:@?#\\s]*:)[^@/\\s]*@");
  private static final Pattern PARAM =
      Pattern.compile("(?i)((?:password|passwd|pwd|secret|token|key|sslpassword)=)[^&;\\s]*");

  private Secrets() {}

  /** A JDBC or HTTP URL with any password (user-info or parameter) replaced by ***. */
  public static String maskUrl(String url) {
    if (url == null) {
      return null;
    }
    String s = USERINFO.matcher(url).replaceAll("$1***@");
    return PARAM.matcher(s).replaceAll("$1***");
  }

  /** Masks every URL-looking password in free text (exception messages). */
  public static String maskText(String text) {
    return text == null ? null : maskUrl(text);
  }

  /** A value cut to 80 characters and stripped of control characters, for messages. */
  public static String clip(String v) {
    if (v == null) {
      return "null";
    }
    String s = v.replaceAll("\\p{Cntrl}", "?");
    return s.length() > 80 ? s.substring(0, 77) + "..." : s;
  }
}
