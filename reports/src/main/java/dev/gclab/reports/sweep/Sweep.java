package dev.gclab.reports.sweep;

import dev.gclab.reports.runner.RunResult;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The result of {@code gclab sweep}, the model of its JSON file (see README, "Sweep schema"): a workload
 * with one seed, each collector's minimum heap found by bisection, and every run at each multiple
 * ({@code heap_factors}) of the largest of those minimums, {@code invocations} fresh runs per point.
 *
 * @param kind             always {@value #KIND}: what tells a sweep from other gclab files
 * @param command          the {@code gclab sweep} command line as given
 * @param jvm              {@code child} (each run in a fresh JVM) or {@code same}
 * @param minHeapPrecision the bisection stops when the smallest heap that completed is at most this
 *                         fraction above the largest that failed (0.02: the minimum is exact to 2 %)
 * @param searchMaxBytes   the upper end of the search ({@code --heap}); a collector that fails there has no minimum
 * @param baseHeapBytes    the largest minimum heap of the collectors: the factors multiply it
 */
public record Sweep(int schemaVersion, String kind, String gclabVersion, String timestamp, String command, String jvm,
                    String workload, double size, long seed, Map<String, String> params, List<Double> heapFactors, int invocations,
                    double minHeapPrecision, long searchMaxBytes, long baseHeapBytes, List<Collector> collectors, List<Point> points) {
    public static final String KIND = "gclab-sweep";

    public Sweep {
        Objects.requireNonNull(workload, "workload");
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        heapFactors = List.copyOf(heapFactors);
        collectors = List.copyOf(collectors);
        points = List.copyOf(points);
    }

    public static final List<String> REQUIRED_KEYS = List.of("schema_version", "kind", "gclab_version", "timestamp", "command", "jvm",
        "workload", "size", "seed", "params", "heap_factors", "invocations", "min_heap_precision", "search_max_bytes",
        "base_heap_bytes", "collectors", "points");
    public static final List<String> COLLECTOR_KEYS = List.of("label", "collector", "collector_options", "min_heap_bytes", "probes");
    public static final List<String> POINT_KEYS = List.of("label", "heap_factor", "heap_bytes", "invocation", "completed", "failure", "result");

    /**
     * A collector (an entry of {@code --collectors}) and its minimum heap: {@code minHeapBytes} is null when
     * it did not complete even at {@code search_max_bytes}; {@code probes} are the runs of the bisection
     * in the order they ran.
     */
    public record Collector(String label, String collector, Map<String, String> collectorOptions, Long minHeapBytes, List<Probe> probes) {
        public Collector {
            collectorOptions = Collections.unmodifiableMap(new LinkedHashMap<>(collectorOptions));
            probes = List.copyOf(probes);
        }
    }

    /** One run of the bisection: the heap it had and whether the workload completed (else why not). */
    public record Probe(long heapBytes, boolean completed, Failure failure) {}

    /**
     * Why a run did not complete: {@code kind} is {@code out_of_heap} (the heap was too small) or
     * {@code error} (anything else: the message says what).
     */
    public record Failure(String kind, String message) {
        public static final String OUT_OF_HEAP = "out_of_heap";
        public static final String ERROR = "error";
    }

    /**
     * One run of the sweep: a collector at a heap factor ({@code heap_bytes} = factor × base, in whole
     * 8 KiB pages), invocation 1..N; {@code result} when it completed, else {@code failure}.
     */
    public record Point(String label, double heapFactor, long heapBytes, int invocation, boolean completed, Failure failure,
                        RunResult result) {}
}
