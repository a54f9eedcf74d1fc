package dev.gclab.reports.bench;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * One benchmark result of a JMH run ({@code -rf json}): the benchmark's full name, its parameters
 * (sorted by name), the mode ({@code avgt}, {@code ss}, {@code sample}, ...) and the primary score with
 * its 99.9% error ({@code NaN} when JMH could not compute one, e.g. for a single iteration).
 * {@code instructions} and {@code instructionsError} are perfnorm's instructions per operation, or
 * {@code NaN} when the run had no perf profiler.
 */
public record JmhResult(String benchmark, String mode, Map<String, String> params, double score, double error,
                        String unit, double instructions, double instructionsError) {
    public JmhResult {
        params = Map.copyOf(params);
    }

    /** The class and method, without the package: {@code RcBench.dropTree}. */
    public String shortName() {
        int method = benchmark.lastIndexOf('.');
        int cls = method > 0 ? benchmark.lastIndexOf('.', method - 1) : -1;
        return benchmark.substring(cls + 1);
    }

    /** Identifies the row across runs: the full benchmark name and its parameters, sorted. */
    public String key() { return key(benchmark, params); }

    static String key(String benchmark, Map<String, String> params) {
        return benchmark + params.entrySet().stream().sorted(Map.Entry.comparingByKey())
            .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(",", "{", "}"));
    }
}
