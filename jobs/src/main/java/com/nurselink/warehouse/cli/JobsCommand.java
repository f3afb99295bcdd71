package com.nurselink.warehouse.cli;

import com.nurselink.warehouse.ops.JobGraph;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nurselink jobs}: the jobs of the nightly pipeline and their dependencies. */
@Command(name = "jobs", mixinStandardHelpOptions = true,
    description = "List the jobs of the nightly pipeline (the Airflow task ids) and what each needs.")
public final class JobsCommand implements Callable<Integer> {
  @Option(names = "--json", description = "Print the graph as JSON.")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(JobGraph.toJson());
    } else {
      out.printf(Locale.ROOT, "%-10s %-16s %s%n", "JOB", "NEEDS", "WHAT IT DOES");
      for (JobGraph.Job j : JobGraph.jobs()) {
        out.printf(Locale.ROOT, "%-10s %-16s %s%n", j.id(),
            j.upstream().isEmpty() ? "-" : String.join(",", j.upstream()),
            j.description());
      }
    }
    out.flush();
    return 0;
  }
}
