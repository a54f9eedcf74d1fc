package dev.gclab.reports.cli;

import dev.gclab.heap.AccessChecks;
import dev.gclab.heap.MarkBits;
import dev.gclab.reports.runner.Experiment;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The options every experiment command shares ({@code run}, {@code compare}): heap, seed, workload
 * size and parameters, collector options, heap knobs, output. A picocli mixin, so the two commands
 * cannot drift apart.
 */
public final class ExperimentOptions {
    @Option(names = "--heap", paramLabel = "SIZE", defaultValue = "256m", converter = Converters.HeapSize.class,
        description = "heap maximum, e.g. 64m, 1g (default: ${DEFAULT-VALUE})")
    long heapBytes;

    @Option(names = "--seed", paramLabel = "N", description = "seed of the workload's random choices (default: random, printed)")
    Long seed;

    @Option(names = "--size", paramLabel = "X", defaultValue = "1.0", description = "workload scale; 1.0 is the full size (default: ${DEFAULT-VALUE})")
    double size;

    @Option(names = {"-p", "--param"}, paramLabel = "KEY=VALUE", description = "a workload parameter (repeatable)")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = {"-o", "--gc-option"}, paramLabel = "KEY=VALUE",
        description = "a collector option (repeatable), e.g. counts=header or thresholds=700,10,10 for rc")
    Map<String, String> collectorOptions = new LinkedHashMap<>();

    @Option(names = "--verify", description = "verify the heap before and after every collection (not counted as pause)")
    boolean verify;

    @Option(names = "--mark-bits", paramLabel = "side|header", defaultValue = "side", converter = Converters.MarkBitsConverter.class,
        description = "where marks live (default: ${DEFAULT-VALUE})")
    MarkBits markBits;

    @Option(names = "--checks", paramLabel = "full|fast", defaultValue = "full", converter = Converters.ChecksConverter.class,
        description = "mutator access validation (default: ${DEFAULT-VALUE})")
    AccessChecks checks;

    @Option(names = "--growth", paramLabel = "G", defaultValue = "2.0", description = "heap growth factor, > 1 (default: ${DEFAULT-VALUE})")
    double growth;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the result(s) as JSON (parent directories are created)")
    Path json;

    @Option(names = {"-q", "--quiet"}, description = "do not print the workload's progress lines")
    boolean quiet;

    @Option(names = "--stacktrace", description = "print the stack trace of a failure")
    boolean stackTrace;

    /** Checks the values picocli cannot; a bad one is a usage error (exit code 2). */
    void validate(CommandLine cmd) {
        if (!(size > 0) || Double.isInfinite(size)) throw new ParameterException(cmd, "Invalid value for option '--size': must be > 0, was " + size);
        if (!(growth > 1) || Double.isInfinite(growth)) throw new ParameterException(cmd, "Invalid value for option '--growth': must be > 1, was " + growth);
    }

    /** The given seed, or a fresh random one. */
    long seedOrRandom() { return seed != null ? seed : Experiment.randomSeed(); }

    /** "" when the seed was given, else how to repeat the run. */
    String seedNote(long s) { return seed != null ? "" : " (random; repeat with --seed " + s + ")"; }

    Experiment experiment(String collector, String workload, long s) {
        return new Experiment(collector, workload, heapBytes, s, size, params, verify, markBits, checks, growth, collectorOptions);
    }
}
