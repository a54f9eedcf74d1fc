package dev.gclab.reports.cli;

import dev.gclab.gc.spi.UnknownNameException;
import dev.gclab.gc.verify.HeapVerificationException;
import dev.gclab.heap.InvalidHeapAccessException;
import dev.gclab.heap.OutOfHeapException;
import dev.gclab.reports.json.ResultFormatException;
import dev.gclab.reports.runner.UnknownParameterException;
import dev.gclab.reports.runner.WorkloadArgumentException;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/**
 * Turns an exception into gclab's error message and exit code: unknown names and parameters the
 * workload rejects are usage errors (2);
 * heap failures (also the machine running out of memory), result-file errors, I/O, any other exception
 * and any {@link Error} that is not a {@link VirtualMachineError} are run failures (1). Only the
 * message is printed, unless {@code --stacktrace} was given; a failed run's message ends with its seed.
 * A {@link VirtualMachineError} (the JVM's own heap or stack exhausted, an internal error) is not
 * caught: the commands rethrow it ({@link #rethrowIfFatal}) and the JVM reports it.
 */
final class Failures {
    private Failures() {}

    /** Rethrows {@code t} if it is an error of the JVM itself, which gclab does not try to report. */
    static void rethrowIfFatal(Throwable t) {
        if (t instanceof VirtualMachineError v) throw v;
    }

    static int report(Throwable ex, PrintWriter err, boolean stackTrace) { return report(ex, err, stackTrace, null); }

    /** @param seed the seed of the failed run, printed with the message, or null */
    static int report(Throwable ex, PrintWriter err, boolean stackTrace, Long seed) {
        int code;
        String message;
        if (ex instanceof UnknownNameException || ex instanceof UnknownParameterException
            || ex instanceof WorkloadArgumentException || ex instanceof dev.gclab.reports.runner.CollectorOptionException) {
            code = CommandLine.ExitCode.USAGE;
            message = ex.getMessage() + "\n(gclab list shows collectors, workloads and parameters)";
        } else if (ex instanceof OutOfHeapException || ex instanceof InvalidHeapAccessException
            || ex instanceof HeapVerificationException || ex instanceof ResultFormatException) {
            code = CommandLine.ExitCode.SOFTWARE;
            message = ex.getMessage();
        } else if (ex instanceof UncheckedIOException) {
            code = CommandLine.ExitCode.SOFTWARE;
            message = ex.getMessage();
        } else if (ex instanceof IOException) {
            code = CommandLine.ExitCode.SOFTWARE;
            message = "I/O error: " + ex;
        } else {
            code = CommandLine.ExitCode.SOFTWARE;
            message = ex.getClass().getName() + ": " + ex.getMessage();
        }
        err.println("gclab: " + message);
        String repeat = seed != null && code == CommandLine.ExitCode.SOFTWARE ? "seed " + seed + ": repeat with --seed " + seed : null;
        if (stackTrace) {
            if (repeat != null) err.println("(" + repeat + ")");
            ex.printStackTrace(err);
        } else if (code == CommandLine.ExitCode.SOFTWARE) {
            err.println("(" + (repeat != null ? repeat + "; " : "") + "run with --stacktrace for details)");
        }
        err.flush();
        return code;
    }

    /** True if {@code --stacktrace} was given at any level of the command line. */
    static boolean stackTraceWanted(ParseResult pr) {
        for (ParseResult p = pr; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--stacktrace")) return true;
        }
        return false;
    }
}
