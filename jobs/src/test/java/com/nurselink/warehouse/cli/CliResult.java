package com.nurselink.warehouse.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import picocli.CommandLine;

/** Exit code, standard output and standard error of one CLI invocation in this JVM. */
public record CliResult(int code, String out, String err) {
  /** Runs the CLI with {@code args} in this JVM, its standard output and error captured. */
  public static CliResult of(List<String> args) {
    CommandLine cl = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args.toArray(String[]::new));
    return new CliResult(code, out.toString(), err.toString());
  }
}
