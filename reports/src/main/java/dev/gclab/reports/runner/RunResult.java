package dev.gclab.reports.runner;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
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
    Machine machine,
    Map<String, SpaceStats> spaces,
    Pauses pausesMinor,
    Pauses pausesMajor,
    List<MmuPoint> mmu,
    PauseTimeline timeline) {

    public static final int SCHEMA_VERSION = 1;

    public RunResult {
        Objects.requireNonNull(collector, "collector");
        Objects.requireNonNull(workload, "workload");
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        collectorOptions = Collections.unmodifiableMap(new LinkedHashMap<>(collectorOptions));
        work = Collections.unmodifiableMap(new LinkedHashMap<>(work));
        collectorCounters = Collections.unmodifiableMap(new LinkedHashMap<>(collectorCounters));
        // keys added to schema 1 later: absent (an older file) reads as empty
        spaces = spaces == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(spaces));
        pausesMinor = pausesMinor == null ? Pauses.NONE : pausesMinor;
        pausesMajor = pausesMajor == null ? Pauses.NONE : pausesMajor;
        mmu = mmu == null ? List.of() : List.copyOf(mmu);
        timeline = timeline == null ? PauseTimeline.EMPTY : timeline;
    }

    /** The keys every schema-1 file has; later additions ({@code spaces}, {@code pauses_minor}, ...) may be absent. */
    public static final List<String> REQUIRED_KEYS = List.of("schema_version", "gclab_version", "timestamp", "collector", "workload",
        "seed", "size", "params", "collector_options", "heap_bytes", "mark_bits", "checks", "verify", "growth_factor", "constraints",
        "gc_cycles", "young_cycles", "pauses", "wall_ns", "gc_ns", "mutator_ns", "peak_in_use_bytes", "work", "verify_ns",
        "collector_counters", "jdk_version", "os", "machine");

    /**
     * One space of the heap at the end of the run: bytes in use, memory it held (its reservation, or its
     * spans' pages), the highest occupancy seen, bytes collectors copied into it, bytes it reserves.
     */
    public record SpaceStats(long liveBytes, long committedBytes, long peakBytes, long copiedBytes, long reservedBytes) {}

    /** Minimum mutator utilisation for one window width. */
    public record MmuPoint(double windowMs, double utilisation) {}

    /**
     * Every pause in order (ns since the collector was created: the run is {@code [run_start_ns,
     * run_end_ns]}), its kind ({@code major}, {@code minor}, {@code step}), the heap's occupancy when it
     * ended, in all and per space (names in {@code spaces}, one row per pause); and the phases inside
     * pauses. Arrays of equal length, for plots and trace viewers.
     */
    public record PauseTimeline(long runStartNs, long runEndNs, List<Long> startNs, List<Long> durationNs, List<String> kind,
                                List<Long> heapBytes, List<String> spaces, List<List<Long>> spaceBytes,
                                List<Long> phaseStartNs, List<Long> phaseDurationNs, List<String> phase) {
        public static final PauseTimeline EMPTY = new PauseTimeline(0, 0, List.of(), List.of(), List.of(), List.of(), List.of(),
            List.of(), List.of(), List.of(), List.of());
    }

    /** Pause-time summary in nanoseconds (from the collector's HdrHistogram; 3 significant digits). */
    public record Pauses(long count, long totalNs, long p50Ns, long p90Ns, long p99Ns, long maxNs) {
        public static final Pauses NONE = new Pauses(0, 0, 0, 0, 0, 0);
    }

    /** The collector's declared constraints; {@code barrier} is the lower-case barrier kind. */
    public record Constraints(boolean movesObjects, String barrier, boolean needsRefCounts,
                              boolean generational, boolean incremental, boolean supportsPinning) {}

    /** The operating system, from the JVM's {@code os.*} properties. */
    public record Os(String name, String arch, String version) {}

    /** The machine as the JVM sees it. */
    public record Machine(int availableProcessors, long jvmMaxMemoryBytes) {}
}
