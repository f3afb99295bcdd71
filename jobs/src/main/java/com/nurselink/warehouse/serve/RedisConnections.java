package com.nurselink.warehouse.serve;

import com.nurselink.warehouse.config.ConfigException;
import com.nurselink.warehouse.util.Secrets;
import java.net.URI;
import java.net.URISyntaxException;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * Connections to the Redis of {@code redis.url}: {@code redis://[[user]:password@]host[:port][/db]}
 * ({@code rediss://} for TLS). The URL is only ever shown with its password masked.
 */
public final class RedisConnections {
  /** Connecting gives up after this long (a firewalled host). */
  static final int CONNECT_TIMEOUT_MS = 2_000;
  /** One reply waits at most this long (a transaction of a batch of keys included). */
  static final int SOCKET_TIMEOUT_MS = 60_000;

  private RedisConnections() {}

  /** The URL with its password masked, for messages. */
  public static String masked(String url) {
    return Secrets.maskUrl(url);
  }

  /**
   * An open, authenticated connection with the URL's database selected.
   *
   * @throws ConfigException when the URL is not a Redis URL
   * @throws IllegalStateException (one line, URL masked) when Redis cannot be reached or refuses
   *     the credentials
   */
  public static Jedis open(String url) {
    URI uri = parse(url);
    DefaultJedisClientConfig config = DefaultJedisClientConfig.builder()
        .user(JedisURIHelper.getUser(uri))
        .password(JedisURIHelper.getPassword(uri))
        .database(JedisURIHelper.getDBIndex(uri))
        .ssl(JedisURIHelper.isRedisSSLScheme(uri))
        .connectionTimeoutMillis(CONNECT_TIMEOUT_MS)
        .socketTimeoutMillis(SOCKET_TIMEOUT_MS)
        .clientName("nurselink-serve")
        .build();
    Jedis jedis = new Jedis(JedisURIHelper.getHostAndPort(uri), config);
    try {
      jedis.ping(); // connects, authenticates and selects the database now
      return jedis;
    } catch (JedisException e) {
      jedis.close();
      throw failure(url, e);
    }
  }

  /** A Redis error as one line naming the (masked) URL. */
  public static IllegalStateException failure(String url, Exception e) {
    return new IllegalStateException("Redis " + masked(url) + ": " + firstLine(e), e);
  }

  private static String firstLine(Exception e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.strip().lines().findFirst().orElse(m);
  }

  static URI parse(String url) {
    // the value is not shown: a URL that does not parse may hide its password where no pattern finds it
    String bad = "redis.url must be redis://[[user]:password@]host[:port][/db] or rediss://... (a password "
        + "holding '#', '?' or '/' percent-encoded), got a value that is not";
    try {
      URI uri = new URI(url.strip());
      if (!JedisURIHelper.isRedisScheme(uri) && !JedisURIHelper.isRedisSSLScheme(uri) || uri.getHost() == null) {
        throw new ConfigException(bad);
      }
      String path = uri.getPath();
      if (path != null && !path.isEmpty() && !path.matches("/\\d{0,5}")) {
        throw new ConfigException(bad);
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new ConfigException(bad);
    }
  }
}
