package com.nurselink.warehouse.serve;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Redis for the tests: the local server on 127.0.0.1:6379, one database index per test class
 * (emptied before and after), and servers of their own started by a test on a free loopback port
 * (a password, a read-only replica), stopped after. No Redis answering is a failure saying how to
 * start one, never a skip.
 */
public final class RedisServers {
  public static final String HOST = "127.0.0.1";
  public static final int PORT = 6379;
  static final String HOW_TO_START = "start it with: redis-server --daemonize yes --bind 127.0.0.1 --port 6379"
      + " --save \"\" --appendonly no";

  private RedisServers() {}

  /** {@code redis://127.0.0.1:6379/<db>} after checking the server answers and emptying that database. */
  public static String shared(int db) {
    String url = "redis://" + HOST + ":" + PORT + "/" + db;
    try (Jedis j = new Jedis(HOST, PORT, 2_000)) {
      j.select(db);
      j.flushDB();
    } catch (JedisException e) {
      fail("no Redis answering on " + HOST + ":" + PORT + " (" + e.getMessage() + "): " + HOW_TO_START);
    }
    return url;
  }

  /** Empties a database of the shared server (what a test wrote). */
  public static void clear(int db) {
    try (Jedis j = new Jedis(HOST, PORT, 2_000)) {
      j.select(db);
      j.flushDB();
    }
  }

  /** A connection to a database of the shared server. */
  public static Jedis connect(int db) {
    Jedis j = new Jedis(HOST, PORT, 5_000);
    j.select(db);
    return j;
  }

  /** A loopback port nothing listens on (taken from the system, then released). */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName(HOST))) {
      return s.getLocalPort();
    }
  }

  /** A redis-server of a test's own, on a free loopback port. */
  public static final class Own implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;

    private Own(Process process, int port, Path log) {
      this.process = process;
      this.port = port;
      this.log = log;
    }

    public int port() {
      return port;
    }

    @Override
    public void close() throws Exception {
      process.destroy();
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
      }
      Files.deleteIfExists(log);
    }
  }

  /**
   * Starts {@code redis-server --port P --bind 127.0.0.1 --save "" --appendonly no <extra>} and
   * waits (at most 10 s, 100 attempts) until it answers; {@code password} is what PING needs.
   */
  public static Own start(String password, String... extra) throws Exception {
    // the free port is released before redis-server binds it: when another process took it in
    // between, try another (a bounded number of times)
    for (int attempt = 1; ; attempt++) {
      Own own = startOnce(password, extra, attempt == 3);
      if (own != null) {
        return own;
      }
    }
  }

  private static Own startOnce(String password, String[] extra, boolean last) throws Exception {
    int port = freePort();
    Path log = Files.createTempFile("redis-test-", ".log");
    List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", String.valueOf(port), "--bind", HOST,
        "--save", "", "--appendonly", "no"));
    cmd.addAll(List.of(extra));
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      fail("cannot start redis-server (" + e.getMessage() + "): install Redis (apt-get install redis-server)");
      return null;
    }
    Own own = new Own(p, port, log);
    for (int i = 0; i < 100; i++) {
      if (!p.isAlive()) {
        String out = Files.readString(log);
        own.close();
        if (!last && out.contains("Address already in use")) {
          return null;
        }
        fail("redis-server on port " + port + " exited: " + out);
      }
      try (Jedis j = new Jedis(HOST, port, 500)) {
        if (password != null) {
          j.auth(password);
        }
        j.ping();
        return own;
      } catch (JedisException notYet) {
        Thread.sleep(100);
      }
    }
    own.close();
    fail("redis-server on port " + port + " did not answer within 10 s");
    return null;
  }
}
