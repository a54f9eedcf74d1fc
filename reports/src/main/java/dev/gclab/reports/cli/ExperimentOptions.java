package dev.gclab.reports.cli;

import dev.gclab.heap.AccessChecks;
import dev.gclab.heap.MarkBits;
import dev.gclab.reports.json.OutputFile;
import dev.gclab.reports.runner.Experiment;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The options every experiment command shares ({@code run}, {@code compare}): heap, seed, workload
 * size and parameters, collector options, heap knobs, output. A picocli mixin, so the two commands
 * cannot drift apart. Every value is checked before any run starts ({@link #validate}): a bad one is a
 * usage error (exit code 2) that names the option, the value and what is valid.
 */
public final class ExperimentOptions {
    @Option(names = "--heap", paramLabel = "SIZE", defaultValue = "256m", converter = Converters.HeapSize.class,
        description = "heap maximum, 1m .. 1t, e.g. 64m, 1g (default: ${DEFAULT-VALUE})")
    long heapBytes;

    @Option(names = "--seed", paramLabel = "N", converter = Converters.Seed.class,
        description = "seed of the workload's random choices, a 64-bit integer (default: random, printed)")
    Long seed;

    @Option(names = "--size", paramLabel = "X", defaultValue = "1.0", converter = Converters.Size.class,
        description = "workload scale, a finite number > 0 within the workload's range (gclab list); 1.0 is the full size (default: ${DEFAULT-VALUE})")
    double size;

    @Option(names = {"-p", "--param"}, paramLabel = "KEY=VALUE", description = "a workload parameter (repeatable, each key once)")
    List<String> paramPairs = new ArrayList<>();

    @Option(names = {"-o", "--gc-option"}, paramLabel = "KEY=VALUE",
        description = "a collector option (repeatable, each key once), e.g. counts=header or thresholds=700,10,10 for rc")
    List<String> optionPairs = new ArrayList<>();

    @Option(names = "--verify", description = "verify the heap before and after every collection (not counted as pause)")
    boolean verify;

    @Option(names = "--mark-bits", paramLabel = "side|header", defaultValue = "side", converter = Converters.MarkBitsConverter.class,
        description = "where marks live (default: ${DEFAULT-VALUE})")
    MarkBits markBits;

    @Option(names = "--checks", paramLabel = "full|fast", defaultValue = "full", converter = Converters.ChecksConverter.class,
        description = "mutator access validation (default: ${DEFAULT-VALUE})")
    AccessChecks checks;

    @Option(names = "--growth", paramLabel = "G", defaultValue = "2.0", converter = Converters.Growth.class,
        description = "heap growth factor, a finite number > 1 (default: ${DEFAULT-VALUE})")
    double growth;

    @Option(names = "--json", paramLabel = "FILE", converter = Converters.OutputFile.class,
        description = "also write the result(s) as JSON (parent directories are created; checked before the run)")
    Path json;

    @Option(names = {"-q", "--quiet"}, description = "do not print the workload's progress lines")
    boolean quiet;

    @Option(names = "--stacktrace", description = "print the stack trace of a failure")
    boolean stackTrace;

    private Map<String, String> params = Map.of();
    private Map<String, String> collectorOptions = Map.of();

    /** Checks what picocli's converters cannot: KEY=VALUE pairs given once each, and the JSON file's place. */
    void validate(CommandLine cmd) {
        params = pairs(cmd, "--param", paramPairs);
        collectorOptions = pairs(cmd, "--gc-option", optionPairs);
        if (json != null) checkWritable(cmd, "--json", json);
    }

    private static Map<String, String> pairs(CommandLine cmd, String option, List<String> given) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String raw : given) {
            int eq = raw.indexOf('=');
            String key = eq < 0 ? "" : raw.substring(0, eq).trim();
            if (key.isEmpty()) {
                throw new ParameterException(cmd, "Invalid value for option '" + option + "': " + Converters.shown(raw) + " is not KEY=VALUE");
            }
            String value = raw.substring(eq + 1).trim();
            String before = map.putIfAbsent(key, value);
            if (before != null) {
                throw new ParameterException(cmd, "Invalid value for option '" + option + "': key '" + key + "' is given twice ("
                    + key + "=" + before + " and " + key + "=" + value + "); give each key once");
            }
        }
        return map;
    }

    /** The file may be written (see {@link OutputFile#problem}); otherwise a usage error naming the option. */
    static void checkWritable(CommandLine cmd, String option, Path file) {
        String problem = OutputFile.problem(file);
        if (problem != null) throw new ParameterException(cmd, "Invalid value for option '" + option + "': " + problem);
    }

    /** The given seed, or a fresh random one. */
    long seedOrRandom() { return seed != null ? seed : Experiment.randomSeed(); }

    /** "" when the seed was given, else how to repeat the run. */
    String seedNote(long s) { return seed != null ? "" : " (random; repeat with --seed " + s + ")"; }

    /** The experiment these options describe; {@link #validate} first. */
    Experiment experiment(String collector, String workload, long s) {
        return new Experiment(collector.trim(), workload.trim(), heapBytes, s, size, params, verify, markBits, checks, growth, collectorOptions);
    }
}
