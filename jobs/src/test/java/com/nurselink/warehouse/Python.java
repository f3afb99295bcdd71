package com.nurselink.warehouse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The machine's python3, for the tests that check the Python files of the repository (DAG,
 * notebook helper) without Airflow or Jupyter. Output goes through files, so a chatty process
 * cannot block on a full pipe; a run is bounded in time.
 */
public final class Python {
  private Python() {}

  private static final long TIMEOUT_SECONDS = 60;

  public record Result(int code, String out, String err) {}

  /**
   * Runs {@code python3 args...} in {@code workDir} with {@code env} added to the environment;
   * {@code purpose} completes "python3 is needed to ..." when python3 cannot be started.
   */
  public static Result run(String purpose, Path workDir, Map<String, String> env, List<String> args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add("python3");
    cmd.addAll(args);
    Path out = Files.createTempFile("python-out", ".txt");
    Path err = Files.createTempFile("python-err", ".txt");
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .redirectOutput(out.toFile()).redirectError(err.toFile());
      pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
      pb.environment().putAll(env);
      Process p;
      try {
        p = pb.start();
      } catch (IOException e) {
        throw new AssertionError("python3 is needed to " + purpose + ": " + e.getMessage(), e);
      }
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("python3 " + String.join(" ", args) + " did not finish in " + TIMEOUT_SECONDS + " s");
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
