package com.nurselink.warehouse.cli;

import com.nurselink.warehouse.config.ConfigException;
import com.nurselink.warehouse.util.Errors;
import com.nurselink.warehouse.util.Secrets;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code nurselink}: the command line of the warehouse.
 *
 * <p>Exit codes: 0 success; 1 a job or command failed (one-line error on stderr); 2 usage or
 * configuration error; 3 data would be lost (migration verification failed).
 */
@Command(name = "nurselink", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Analytics warehouse of the nurselink staffing marketplace.",
    subcommands = {
        GenerateCommand.class,
        RunCommand.class,
        DemoCommand.class,
        SqlCommand.class,
        JobsCommand.class,
        RunsCommand.class,
        ServeCommand.class,
        FeaturesCommand.class,
        DocsCommand.class,
        MigrateCommand.class,
        AirflowCommand.class,
        CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  public static final int EXIT_FAILED = 1;
  public static final int EXIT_USAGE = 2;
  public static final int EXIT_DATA_LOSS = 3;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the CLI and returns its exit code (tests call this in-process). */
  public static int execute(String... args) {
    CommandLine cl = commandLine();
    return cl.execute(args);
  }

  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
      if (ex instanceof ConfigException) {
        printError(cmd.getErr(), ex.getMessage());
        return EXIT_USAGE;
      }
      String msg = Errors.oneLine(ex);
      printError(cmd.getErr(), msg);
      if (Boolean.getBoolean("nurselink.verbose")) {
        java.io.StringWriter trace = new java.io.StringWriter();
        ex.printStackTrace(new PrintWriter(trace));
        cmd.getErr().println(Secrets.maskText(trace.toString()));
      }
      return ex instanceof ExitCodeException ece ? ece.exitCode() : EXIT_FAILED;
    });
    cl.setParameterExceptionHandler((ex, args) -> {
      printError(ex.getCommandLine().getErr(), ex.getMessage());
      ex.getCommandLine().getErr().println("(see: " + ex.getCommandLine().getCommandSpec().qualifiedName()
          + " --help)");
      return EXIT_USAGE;
    });
    return cl;
  }

  private static void printError(PrintWriter err, String msg) {
    String one = Secrets.maskText(msg).replace('\n', ' ').replace('\r', ' ');
    err.println("nurselink: error: " + one);
    err.flush();
  }

  /** An error carrying its own exit code. */
  public static class ExitCodeException extends RuntimeException {
    private final int exitCode;

    public ExitCodeException(String message, int exitCode) {
      super(message);
      this.exitCode = exitCode;
    }

    public int exitCode() {
      return exitCode;
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"nurselink-warehouse " + (v == null ? "dev" : v)};
    }
  }
}
