package com.nurselink.warehouse.cli;

import com.nurselink.warehouse.generate.Generator;
import com.nurselink.warehouse.generate.Summary;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code nurselink generate}: a realistic operational database, deterministic for a seed. */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = {"Generate a realistic operational database (users, missions, applications, contracts).",
        "Same seed and options give the same data. Progress goes to stderr, the summary to stdout."})
public final class GenerateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--out", paramLabel = "PATH.db", description = "SQLite file to write (all four tables).")
  Path out;

  @Option(names = "--split", paramLabel = "DIR",
      description = "Also write the split set: DIR/auth.db (users), DIR/offers.db (missions, mission_applications),"
          + " DIR/report.db (contracts).")
  Path split;

  @Option(names = "--target", paramLabel = "JDBC_URL",
      description = "Also load into PostgreSQL, e.g. jdbc:postgresql://HOST:PORT/DB?user=U (typed; untypable rows"
          + " skipped and counted).")
  String target;

  @Option(names = "--missions", paramLabel = "N", description = "Number of missions (default: ${DEFAULT-VALUE}).")
  long missions = Generator.DEFAULT_MISSIONS;

  @Option(names = "--seed", paramLabel = "S", description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed = Generator.DEFAULT_SEED;

  @Option(names = "--dirty", description = "Inject ~2%% bad rows per validation rule, stale duplicates and orphans.")
  boolean dirty;

  @Option(names = "--force", description = "Overwrite existing files / replace existing PostgreSQL tables.")
  boolean force;

  @Option(names = {"-q", "--quiet"}, description = "No progress lines.")
  boolean quiet;

  @Override
  public Integer call() throws Exception {
    if (out == null && split == null && target == null) {
      throw new Main.ExitCodeException("generate: give --out PATH.db, --split DIR and/or --target JDBC_URL",
          Main.EXIT_USAGE);
    }
    if (missions < 1) {
      throw new Main.ExitCodeException("generate: --missions must be at least 1", Main.EXIT_USAGE);
    }
    Generator g = Generator.create().missions(missions).seed(seed).dirty(dirty).force(force)
        .progress(quiet ? null : System.err).sqlite(out).split(split).postgres(target);
    Summary s;
    try {
      s = g.run();
    } catch (Generator.OutputExistsException e) {
      throw new Main.ExitCodeException(e.getMessage(), Main.EXIT_USAGE);
    }
    spec.commandLine().getOut().print(s.format());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
