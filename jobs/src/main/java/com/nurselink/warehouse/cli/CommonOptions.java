package com.nurselink.warehouse.cli;

import com.nurselink.warehouse.config.ConfigKey;
import com.nurselink.warehouse.config.Settings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options shared by the commands that read configuration. */
public final class CommonOptions {
  @Option(names = "--env", description = "Environment: dev (default), staging, prod (reads conf/<env>.conf).")
  String env = "dev";

  @Option(names = "--conf", paramLabel = "KEY=VALUE",
      description = "Override a configuration key (repeatable); see README, Configuration.")
  List<String> overrides = new ArrayList<>();

  /** The directory of {@code <env>.conf}: as given, else ./conf, else the installation's conf/. */
  Path confDir = System.getProperty("nurselink.conf.dir") != null ? Path.of(System.getProperty("nurselink.conf.dir"))
      : Settings.defaultConfDir();
  private boolean confDirGiven = System.getProperty("nurselink.conf.dir") != null;

  @Option(names = "--conf-dir", paramLabel = "DIR", description = "Directory holding <env>.conf (default: ./conf when"
      + " it exists, else the conf/ of the installation).")
  void confDir(Path dir) {
    confDir = dir;
    confDirGiven = true;
  }

  @Option(names = {"-v", "--verbose"}, description = "More logging (Spark INFO, stack traces).")
  boolean verbose;

  /** Builder with env, conf file, environment and --conf applied; callers add explicit options. */
  public Settings.Builder settings() {
    if (verbose) {
      System.setProperty("nurselink.verbose", "true");
    }
    Settings.Builder b = Settings.builder().env(env);
    if (confDirGiven) {
      b.confDir(confDir);
    }
    for (String o : overrides) {
      b.override(o);
    }
    return b;
  }

  public boolean verbose() {
    return verbose;
  }

  public static ConfigKey key(ConfigKey k) {
    return k;
  }
}
