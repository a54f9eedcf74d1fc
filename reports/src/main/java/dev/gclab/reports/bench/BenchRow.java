package dev.gclab.reports.bench;

import java.util.Map;

/**
 * One row of the bench table and of {@code --json}: a benchmark with its parameters, its readable
 * feature name, the score with its error and unit, ns per object for per-graph benchmarks (NaN
 * otherwise) and instructions per operation (NaN without perf).
 */
public record BenchRow(String feature, String benchmark, Map<String, String> params, String mode,
                       double score, double error, String unit, double nsPerObject,
                       double instructions, double instructionsError) {
    public BenchRow {
        params = Map.copyOf(params);
    }

    public static BenchRow of(JmhResult r) {
        return new BenchRow(Features.name(r.shortName(), r.params()), r.benchmark(), r.params(), r.mode(),
            r.score(), r.error(), r.unit(), Features.nanosPerObject(r), r.instructions(), r.instructionsError());
    }

    public String key() { return JmhResult.key(benchmark, params); }
}
