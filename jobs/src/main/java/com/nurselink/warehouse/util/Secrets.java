package com.nurselink.warehouse.util;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps passwords and keys out of logs, errors and ledger rows.
 *
 * <p>Two layers: patterns that recognise a password in a URL ({@code //user:pass@host},
 * {@code user:pass@host} as drivers echo a host, {@code ?password=}, {@code &password=},
 * {@code ;password=}) or in a property ({@code password=x}, {@code "token": "x"}), and the literal
 * values of the secrets this process was configured with ({@link #remember}), replaced wherever they
 * appear, whatever text a driver wraps around them.
 *
 * <p>Words are not secrets: a {@code key=} parameter is masked in a query string only (after
 * {@code ?}, {@code &} or {@code ;}), so {@code --conf expects key=value} reads as written, and a
 * property whose value is the placeholder {@code value} (or {@code ***}, {@code ...}, {@code <...>})
 * is left alone.
 */
public final class Secrets {
  /** {@code //user:password@}: the password runs to the last {@code @} before the query string. */
  private static final Pattern URL_USERINFO = Pattern.compile("(//[^/:@?#\\s]*:)[^?#\\s]*@");
  private static final Pattern BARE_USERINFO = Pattern.compile("(?<![/\\w.:-])([\\w.%+-]+:)[^@/\\s:]+@(?=[\\w.\\[-])");
  /** A secret parameter of a query string (JDBC properties after {@code ?}, {@code &} or {@code ;}). */
  private static final Pattern PARAM = Pattern.compile("(?i)(?<=[?&;])((?:password|passwd|pwd|secret|token|key"
      + "|sslpassword|sslkey|apikey|api_key|access_token|client_secret)=)[^&;\\s]*");
  /**
   * A property in free text: {@code password=x} (Java properties, {@code {user=etl, password=x}}),
   * {@code "password": "x"} (JSON), {@code password:x}; not {@code password: word} (an unquoted key, a
   * colon and a space is prose: "no Airflow password: set ..."), not a placeholder value.
   */
  private static final Pattern PROPERTY = Pattern.compile("(?i)((?:\"(?:password|passwd|secret|token)\"\\s*[:=]\\s*"
      + "|(?:password|passwd|secret|token)(?:\\s*=\\s*|:))\"?)"
      + "(?!(?:value|\\*\\*\\*|\\.\\.\\.|<[^>\\s]*>)(?:[\"\\s,;&}]|$))[^\"\\s,;&}]+");
  private static final Set<String> KNOWN = ConcurrentHashMap.newKeySet();

  private Secrets() {}

  /**
   * Remembers a configured secret so that its value is masked in any later text: for a URL its
   * password (user-info or parameter), for anything else the whole value.
   */
  public static void remember(String secretOrUrl) {
    if (secretOrUrl == null || secretOrUrl.isBlank()) {
      return;
    }
    boolean url = false;
    Matcher m = Pattern.compile("//[^/:@?#\\s]*:([^?#\\s]*)@").matcher(secretOrUrl);
    while (m.find()) {
      add(m.group(1));
      url = true;
    }
    // a password holding '#', '?' or '@' unencoded: everything between the user and the last '@'
    m = Pattern.compile("//[^/:@\\s]*:(.+)@[^@/\\s]*").matcher(secretOrUrl);
    if (m.find()) {
      add(m.group(1));
      url = true;
    }
    m = Pattern.compile("(?i)(?:password|passwd|pwd|sslpassword)=([^&;\\s]*)").matcher(secretOrUrl);
    while (m.find()) {
      add(m.group(1));
      url = true;
    }
    if (!url && !secretOrUrl.contains("://") && !secretOrUrl.startsWith("jdbc:") && !looksLikePath(secretOrUrl)) {
      add(secretOrUrl.strip());
    }
  }

  private static boolean looksLikePath(String v) {
    return v.endsWith(".db") || v.endsWith(".sqlite") || v.endsWith(".sqlite3") || v.contains("/");
  }

  private static void add(String secret) {
    if (secret != null && secret.length() >= 3) {
      KNOWN.add(secret);
    }
  }

  /** A JDBC or HTTP URL with any password (user-info or parameter) replaced by ***. */
  public static String maskUrl(String url) {
    if (url == null) {
      return null;
    }
    String s = URL_USERINFO.matcher(url).replaceAll("$1***@");
    return PARAM.matcher(s).replaceAll("$1***");
  }

  /** Masks every password in free text (exception messages, driver errors, ledger rows). */
  public static String maskText(String text) {
    if (text == null) {
      return null;
    }
    String s = maskUrl(text);
    s = BARE_USERINFO.matcher(s).replaceAll("$1***@");
    s = PROPERTY.matcher(s).replaceAll("$1***");
    List<String> known = KNOWN.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
    for (String k : known) {
      s = s.replace(k, "***");
    }
    return s;
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
