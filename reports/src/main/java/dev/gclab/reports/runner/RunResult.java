package dev.gclab.reports.runner;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The outcome of one experiment: what ran, what it cost, and where. This is the result file's model;
 * {@link dev.gclab.reports.json.ResultJson} writes it with snake_case keys in component order (see
 * README.md, "Results schema"). Times are wall-clock nanoseconds (vary between runs); cycles and {@link #work}
 * counters are deterministic for a given experiment and seed.
 *
 * <p>Adding a component is a compatible change (readers ignore unknown keys); removing, renaming or
 * re-typing one must bump {@link #SCHEMA_VERSION}.
 */
public record RunResult(
    int schemaVersion,
    String gclabVersion,
    String timestamp,
    String collector,
    String workload,
    long seed,
    double size,
    Map<String, String> params,
    Map<String, String> collectorOptions,
    long heapBytes,
    String markBits,
    String checks,
    boolean verify,
    double growthFactor,
    Constraints constraints,
    long gcCycles,
    long youngCycles,
    Pauses pauses,
    long wallNs,
    long gcNs,
    long mutatorNs,
    long peakInUseBytes,
    Map<String, Long> work,
    long verifyNs,
    Map<String, Long> collectorCounters,
    String jdkVersion,
    Os os,
    Machine machine) {

    public static final int SCHEMA_VERSION = 1;

    public RunResult {
        Objects.requireNonNull(collector, "collector");
        Objects.requireNonNull(workload, "workload");
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        collectorOptions = Collections.unmodifiableMap(new LinkedHashMap<>(collectorOptions));
        work = Collections.unmodifiableMap(new LinkedHashMap<>(work));
        collectorCounters = Collections.unmodifiableMap(new LinkedHashMap<>(collectorCounters));
    }

    /** Pause-time summary in nanoseconds (from the collector's HdrHistogram; 3 significant digits). */
    public record Pauses(long count, long totalNs, long p50Ns, long p90Ns, long p99Ns, long maxNs) {}

    /** The collector's declared constraints; {@code barrier} is the lower-case barrier kind. */
    public record Constraints(boolean movesObjects, String barrier, boolean needsRefCounts,
                              boolean generational, boolean incremental, boolean supportsPinning) {}

    /** The operating system, from the JVM's {@code os.*} properties. */
    public record Os(String name, String arch, String version) {}

    /** The machine as the JVM sees it. */
    public record Machine(int availableProcessors, long jvmMaxMemoryBytes) {}
}
