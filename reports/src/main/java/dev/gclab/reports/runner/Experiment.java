package dev.gclab.reports.runner;

import dev.gclab.heap.AccessChecks;
import dev.gclab.heap.MarkBits;

import java.security.SecureRandom;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One experiment: which collector runs which workload on what heap. Everything a run depends on is
 * here, so that the same {@code Experiment} gives the same cycles and work counters.
 *
 * @param collector    a registered collector name, e.g. {@code marksweep}
 * @param workload     a registered workload name, e.g. {@code gcbench}
 * @param heapBytes    the heap maximum (rounded down to 8 KiB pages by the heap)
 * @param seed         the seed of every random choice of the workload
 * @param size         the workload's scale; 1.0 is its full, published size
 * @param params       workload parameters ({@code -p key=value}), kept sorted by key
 * @param verify       run the heap verifier after every collection
 * @param markBits     where marks live
 * @param checks       how much each mutator access is validated
 * @param growthFactor the collector's heap growth factor (next trigger = live * factor)
 */
public record Experiment(String collector, String workload, long heapBytes, long seed, double size,
                         Map<String, String> params, boolean verify, MarkBits markBits, AccessChecks checks,
                         double growthFactor, Map<String, String> collectorOptions) {
    public static final long DEFAULT_HEAP_BYTES = 256L << 20;
    public static final double DEFAULT_GROWTH_FACTOR = 2.0;

    public Experiment {
        Objects.requireNonNull(collector, "collector");
        Objects.requireNonNull(workload, "workload");
        Objects.requireNonNull(markBits, "markBits");
        Objects.requireNonNull(checks, "checks");
        collectorOptions = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(collectorOptions));
        if (!(size > 0) || Double.isInfinite(size)) throw new IllegalArgumentException("size must be > 0: " + size);
        if (!(growthFactor > 1.0) || Double.isInfinite(growthFactor)) {
            throw new IllegalArgumentException("growth factor must be > 1: " + growthFactor);
        }
        params = Collections.unmodifiableMap(new TreeMap<>(params));
    }

    /** Defaults: 256 MiB heap, full size, no parameters, no verification, side mark bits, full checks, growth 2.0. */
    public static Experiment of(String collector, String workload, long seed) {
        return new Experiment(collector, workload, DEFAULT_HEAP_BYTES, seed, 1.0, Map.of(), false,
            MarkBits.SIDE, AccessChecks.FULL, DEFAULT_GROWTH_FACTOR, Map.of());
    }

    /** A fresh non-negative seed, for runs where the user gave none (print it so the run can be repeated). */
    public static long randomSeed() { return new SecureRandom().nextLong() & Long.MAX_VALUE; }

    /**
     * The {@code gclab run} command line that repeats this experiment alone, every setting spelled out
     * ({@code gclab run --collector=rc --workload=gcbench --heap=... --seed=... ...}); values with
     * characters a shell would act on are single-quoted.
     */
    public java.util.List<String> commandLine() {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("gclab", "run"));
        cmd.add("--collector=" + collector);
        cmd.add("--workload=" + workload);
        cmd.add("--heap=" + heapBytes);
        cmd.add("--seed=" + seed);
        cmd.add("--size=" + size);
        for (Map.Entry<String, String> p : params.entrySet()) cmd.add("--param=" + p.getKey() + "=" + p.getValue());
        for (Map.Entry<String, String> o : collectorOptions.entrySet()) cmd.add("--gc-option=" + o.getKey() + "=" + o.getValue());
        if (verify) cmd.add("--verify");
        cmd.add("--mark-bits=" + markBits.name().toLowerCase(java.util.Locale.ROOT));
        cmd.add("--checks=" + checks.name().toLowerCase(java.util.Locale.ROOT));
        cmd.add("--growth=" + growthFactor);
        return cmd.stream().map(Experiment::shellQuoted).toList();
    }

    /** {@code s} as a POSIX shell reads it back: unchanged when it is made of safe characters, else single-quoted. */
    public static String shellQuoted(String s) {
        if (!s.isEmpty() && s.matches("[A-Za-z0-9_./:=,+@%-]+")) return s;
        return "'" + s.replace("'", "'\\''") + "'";
    }

    public Experiment withHeapBytes(long b) { return new Experiment(collector, workload, b, seed, size, params, verify, markBits, checks, growthFactor, collectorOptions); }
    public Experiment withSize(double s) { return new Experiment(collector, workload, heapBytes, seed, s, params, verify, markBits, checks, growthFactor, collectorOptions); }
    public Experiment withParams(Map<String, String> p) { return new Experiment(collector, workload, heapBytes, seed, size, p, verify, markBits, checks, growthFactor, collectorOptions); }
    public Experiment withVerify(boolean v) { return new Experiment(collector, workload, heapBytes, seed, size, params, v, markBits, checks, growthFactor, collectorOptions); }
    public Experiment withMarkBits(MarkBits m) { return new Experiment(collector, workload, heapBytes, seed, size, params, verify, m, checks, growthFactor, collectorOptions); }
    public Experiment withChecks(AccessChecks c) { return new Experiment(collector, workload, heapBytes, seed, size, params, verify, markBits, c, growthFactor, collectorOptions); }
    public Experiment withCollectorOptions(Map<String, String> o) { return new Experiment(collector, workload, heapBytes, seed, size, params, verify, markBits, checks, growthFactor, o); }
    public Experiment withGrowthFactor(double g) { return new Experiment(collector, workload, heapBytes, seed, size, params, verify, markBits, checks, g, collectorOptions); }
}
