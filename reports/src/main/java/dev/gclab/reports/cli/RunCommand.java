package dev.gclab.reports.cli;

import dev.gclab.heap.AccessChecks;
import dev.gclab.heap.MarkBits;
import dev.gclab.reports.json.ResultJson;
import dev.gclab.reports.runner.Experiment;
import dev.gclab.reports.runner.ExperimentRunner;
import dev.gclab.reports.runner.RunResult;
import dev.gclab.reports.text.RunSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code gclab run}: one experiment. Prints the seed first (drawn at random when none is given, so
 * that a failing run can be repeated), then the readable summary, and writes the JSON result on
 * request. Failures become a message and exit code through {@link Failures}.
 */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "Run one workload under one collector and report pauses, times and work counters.",
    sortOptions = false)
final class RunCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = {"-c", "--collector"}, required = true, paramLabel = "NAME", description = "collector (see 'gclab list')")
    String collector;

    @Option(names = {"-w", "--workload"}, required = true, paramLabel = "NAME", description = "workload (see 'gclab list')")
    String workload;

    @Option(names = "--heap", paramLabel = "SIZE", defaultValue = "256m", converter = Converters.HeapSize.class,
        description = "heap maximum, e.g. 64m, 1g (default: ${DEFAULT-VALUE})")
    long heapBytes;

    @Option(names = "--seed", paramLabel = "N", description = "seed of the workload's random choices (default: random, printed)")
    Long seed;

    @Option(names = "--size", paramLabel = "X", defaultValue = "1.0", description = "workload scale; 1.0 is the full size (default: ${DEFAULT-VALUE})")
    double size;

    @Option(names = {"-p", "--param"}, paramLabel = "KEY=VALUE", description = "a workload parameter (repeatable)")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--verify", description = "verify the heap after every collection (not counted as pause)")
    boolean verify;

    @Option(names = "--mark-bits", paramLabel = "side|header", defaultValue = "side", converter = Converters.MarkBitsConverter.class,
        description = "where marks live (default: ${DEFAULT-VALUE})")
    MarkBits markBits;

    @Option(names = "--checks", paramLabel = "full|fast", defaultValue = "full", converter = Converters.ChecksConverter.class,
        description = "mutator access validation (default: ${DEFAULT-VALUE})")
    AccessChecks checks;

    @Option(names = "--growth", paramLabel = "G", defaultValue = "2.0", description = "heap growth factor, > 1 (default: ${DEFAULT-VALUE})")
    double growth;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the result as JSON (parent directories are created)")
    Path json;

    @Option(names = {"-q", "--quiet"}, description = "do not print the workload's progress lines")
    boolean quiet;

    @Option(names = "--stacktrace", description = "print the stack trace of a failure")
    boolean stackTrace;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Experiment experiment = experiment();
        try {
            ExperimentRunner.check(experiment);
            out.println("seed " + experiment.seed() + (seed != null ? "" : " (random; repeat with --seed " + experiment.seed() + ")"));
            out.flush();
            RunResult result = new ExperimentRunner(quiet ? line -> {} : line -> { out.println("  " + line); out.flush(); })
                .run(experiment);
            out.print(RunSummary.format(result));
            if (json != null) {
                write(result);
                out.println("result written to " + json);
            }
            out.flush();
            return 0;
        } catch (Exception e) {
            out.flush();
            return Failures.report(e, spec.commandLine().getErr(), stackTrace);
        }
    }

    private Experiment experiment() {
        if (!(size > 0) || Double.isInfinite(size)) throw usage("Invalid value for option '--size': must be > 0, was " + size);
        if (!(growth > 1) || Double.isInfinite(growth)) throw usage("Invalid value for option '--growth': must be > 1, was " + growth);
        long s = seed != null ? seed : Experiment.randomSeed();
        return new Experiment(collector, workload, heapBytes, s, size, params, verify, markBits, checks, growth);
    }

    private void write(RunResult result) {
        try {
            ResultJson.write(result, json);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + json + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
    }

    private ParameterException usage(String message) { return new ParameterException(spec.commandLine(), message); }
}
