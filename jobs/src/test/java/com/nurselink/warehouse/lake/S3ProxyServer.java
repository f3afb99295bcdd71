package com.nurselink.warehouse.lake;

import static org.junit.jupiter.api.Assertions.fail;

import com.nurselink.warehouse.faults.Runs;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * An S3-compatible server of a test's own: s3proxy with its filesystem backend (every bucket a
 * directory under {@link #basedir()}, every object a file), on a free port of 127.0.0.1, in a JVM of
 * its own (s3proxy needs Jakarta Servlet 6, Spark's class path has Servlet 5). Its class path is
 * resolved by Maven from {@code jobs/src/test/s3proxy/pom.xml} into {@code target/s3proxy.classpath}
 * (downloaded from Maven Central on first use, then reused). {@link #close()} stops the JVM.
 */
public final class S3ProxyServer implements AutoCloseable {
  public static final String HOST = "127.0.0.1";
  /** At most this many attempts, 100 ms apart, for the server to answer once started. */
  private static final int WAIT_ATTEMPTS = 600;

  private final Process process;
  private final int port;
  private final Path basedir;
  private final Path log;
  private final Path properties;
  private final String identity;
  private final String credential;
  private final Thread onExit;

  private S3ProxyServer(Process process, int port, Path basedir, Path log, Path properties, String identity,
      String credential) {
    this.process = process;
    this.port = port;
    this.basedir = basedir;
    this.log = log;
    this.properties = properties;
    this.identity = identity;
    this.credential = credential;
    // a test JVM ending without close() (interrupted run) still stops the server
    this.onExit = new Thread(process::destroyForcibly, "s3proxy-stop");
    Runtime.getRuntime().addShutdownHook(onExit);
  }

  /** {@code http://127.0.0.1:<port>}. */
  public String endpoint() {
    return "http://" + HOST + ":" + port;
  }

  /** The directory holding the buckets (one directory each) and their objects (files). */
  public Path basedir() {
    return basedir;
  }

  /** The access key the server accepts. */
  public String accessKey() {
    return identity;
  }

  /** The secret key the server accepts. */
  public String secretKey() {
    return credential;
  }

  /** Creates a bucket (a directory of the filesystem backend); returns that directory. */
  public Path createBucket(String name) throws IOException {
    return Files.createDirectories(basedir.resolve(name));
  }

  /**
   * The S3A settings (Hadoop keys, without {@code spark.hadoop.}) that reach this server: path-style
   * requests to the endpoint over plain HTTP, these credentials, and few retries (a failing request
   * fails the run in seconds, not minutes of backoff).
   */
  public Map<String, String> s3aSettings() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("fs.s3a.endpoint", endpoint());
    m.put("fs.s3a.endpoint.region", "us-east-1");
    m.put("fs.s3a.path.style.access", "true");
    m.put("fs.s3a.connection.ssl.enabled", "false");
    m.put("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    m.put("fs.s3a.access.key", identity);
    m.put("fs.s3a.secret.key", credential);
    m.put("fs.s3a.attempts.maximum", "2");
    m.put("fs.s3a.retry.limit", "2");
    m.put("fs.s3a.retry.throttle.limit", "2");
    return m;
  }

  /** {@link #s3aSettings()} as the CLI's {@code --conf spark.hadoop.<key>=<value>} arguments. */
  public List<String> s3aConfArgs() {
    List<String> a = new ArrayList<>();
    s3aSettings().forEach((k, v) -> {
      a.add("--conf");
      a.add("spark.hadoop." + k + "=" + v);
    });
    return a;
  }

  /** What the server printed (its console, then its log), for failure messages. */
  public String log() {
    return read(log);
  }

  private static String read(Path log) {
    return (readFile(console(log)) + "\n" + readFile(log)).strip();
  }

  private static Path console(Path log) {
    return log.resolveSibling(log.getFileName() + ".out");
  }

  /**
   * Starts s3proxy with its data under {@code dir/data} and waits until its port answers (at most
   * {@value #WAIT_ATTEMPTS} attempts 100 ms apart). A port taken by another process between its
   * choice and the bind is replaced by another, a bounded number of times.
   */
  public static S3ProxyServer start(Path dir) throws Exception {
    String classpath = classpath();
    for (int attempt = 1; ; attempt++) {
      S3ProxyServer s = startOnce(dir, classpath, attempt == 3);
      if (s != null) {
        return s;
      }
    }
  }

  private static S3ProxyServer startOnce(Path dir, String classpath, boolean last) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName(HOST))) {
      port = s.getLocalPort();
    }
    Path basedir = Files.createDirectories(dir.resolve("data"));
    Path log = dir.resolve("s3proxy-" + port + ".log");
    Path props = dir.resolve("s3proxy-" + port + ".properties");
    String identity = "nurselink-test";
    String credential = "s3proxy-" + UUID.randomUUID();
    Files.writeString(props, String.join("\n",
        "s3proxy.endpoint=http://" + HOST + ":" + port,
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + identity,
        "s3proxy.credential=" + credential,
        "jclouds.provider=filesystem",
        "jclouds.filesystem.basedir=" + basedir) + "\n", StandardCharsets.UTF_8);
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        // s3proxy sends System.out and System.err to its logger: the log goes to a file, not to them
        "-Dorg.slf4j.simpleLogger.logFile=" + log, "-cp", classpath,
        "org.gaul.s3proxy.Main", "--properties", props.toString());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(console(log).toFile()).start();
    S3ProxyServer server = new S3ProxyServer(p, port, basedir, log, props, identity, credential);
    for (int i = 0; i < WAIT_ATTEMPTS; i++) {
      if (!p.isAlive()) {
        String out = read(log);
        server.close();
        if (!last && (out.contains("Address already in use") || out.contains("BindException"))) {
          return null;
        }
        fail("s3proxy on port " + port + " exited (" + p.exitValue() + "): " + tail(out));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(HOST, port), 200);
        return server;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    String out = read(log);
    server.close();
    fail("s3proxy on port " + port + " did not answer after " + WAIT_ATTEMPTS + " attempts: " + tail(out));
    return null;
  }

  /** Stops the server's JVM (and anything it started), waiting for it to end. */
  @Override
  public void close() throws Exception {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    try {
      Runtime.getRuntime().removeShutdownHook(onExit);
    } catch (IllegalStateException exiting) {
      // the JVM is already shutting down
    }
    Files.deleteIfExists(properties);
  }

  // ---- s3proxy's class path -------------------------------------------------------------------

  /**
   * s3proxy's class path: {@code target/s3proxy.classpath} when it is newer than its pom and every
   * jar it names is there, else written by {@code mvn dependency:build-classpath} on that pom.
   */
  static synchronized String classpath() throws Exception {
    Path repo = Runs.repo();
    Path pom = repo.resolve("jobs/src/test/s3proxy/pom.xml");
    Path file = repo.resolve("target/s3proxy.classpath");
    if (usable(file, pom)) {
      return Files.readString(file).strip();
    }
    Path mvn = onPath("mvn");
    if (mvn == null) {
      fail("mvn is not on PATH: the S3 tests resolve s3proxy with Maven (" + repo.relativize(pom)
          + "); install Maven or add its bin directory to PATH");
    }
    Files.createDirectories(file.getParent());
    // the plugin leaves an unchanged file as it is (its time too): written anew, it is newer than the pom
    Files.deleteIfExists(file);
    Path out = Files.createTempFile("s3proxy-classpath-", ".log");
    try {
      Process p = new ProcessBuilder(mvn.toString(), "-B", "-q", "-f", pom.toString(),
          "dependency:build-classpath", "-Dmdep.outputFile=" + file)
          .redirectErrorStream(true).redirectOutput(out.toFile()).start();
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        fail("mvn dependency:build-classpath -f " + pom + " did not end within 10 minutes: " + tail(readFile(out)));
      }
      if (p.exitValue() != 0 || !usable(file, pom)) {
        fail("mvn dependency:build-classpath -f " + pom + " failed (" + p.exitValue() + "): " + tail(readFile(out)));
      }
    } finally {
      Files.deleteIfExists(out);
    }
    return Files.readString(file).strip();
  }

  private static boolean usable(Path file, Path pom) throws IOException {
    if (!Files.isRegularFile(file)
        || Files.getLastModifiedTime(file).compareTo(Files.getLastModifiedTime(pom)) < 0) {
      return false;
    }
    String cp = Files.readString(file).strip();
    if (!cp.contains("s3proxy")) {
      return false;
    }
    for (String jar : cp.split(File.pathSeparator)) {
      if (!Files.isRegularFile(Path.of(jar))) {
        return false;
      }
    }
    return true;
  }

  private static Path onPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String d : path.split(File.pathSeparator)) {
      if (d.isEmpty()) {
        continue;
      }
      Path p = Path.of(d, command);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  private static String readFile(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read " + p + ": " + e.getMessage() + ")";
    }
  }

  private static String tail(String text) {
    String s = text.strip();
    return s.length() > 2000 ? "..." + s.substring(s.length() - 2000) : s;
  }
}
