package dev.gclab.reports.cli;

import dev.gclab.reports.anchors.AnchorsCommand;
import dev.gclab.reports.bench.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * The {@code gclab} command line: {@code list}, {@code run}, {@code compare}, {@code bench} and {@code anchors}.
 *
 * <p>Exit codes: 0 success (also {@code --help}, {@code --version}); 1 the run failed (out of heap,
 * also when the machine runs out of memory, invalid heap access, verification failure, I/O, any other
 * exception or {@link Error} except the JVM's own {@link VirtualMachineError}s); 2 a usage error (unknown or
 * malformed option, missing subcommand, unknown collector, workload or workload parameter).
 * picocli's defaults already map usage errors to 2 and exceptions to 1; the commands themselves
 * turn expected failures into a one-line message ({@link Failures}), so the codes hold whether the
 * command line is built by {@link #main} or by a plain {@code new CommandLine(new GclabCli())}.
 */
@Command(name = "gclab", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "A garbage-collector research testbed: run workloads on a simulated heap under pluggable collectors.",
    subcommands = {ListCommand.class, RunCommand.class, CompareCommand.class, BenchCommand.class, AnchorsCommand.class, CommandLine.HelpCommand.class})
public final class GclabCli implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: use 'gclab list', 'gclab run ...' or 'gclab compare ...'");
    }

    /** The command line with gclab's handler for exceptions that escape a command. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new GclabCli());
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) ->
            Failures.report(ex, cmd.getErr(), Failures.stackTraceWanted(parseResult)));
        return cl;
    }

    public static void main(String[] args) {
        CommandLine cl = commandLine();
        int code;
        try {
            code = cl.execute(args);
        } catch (Error e) { // picocli passes Errors through; report those of the program like any failure
            Failures.rethrowIfFatal(e);
            boolean trace = java.util.Arrays.asList(args).contains("--stacktrace");
            code = Failures.report(e, cl.getErr(), trace);
        }
        System.exit(code);
    }
}
