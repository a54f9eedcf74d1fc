package dev.gclab.reports.bench;

import dev.gclab.workloads.graph.GraphShapes;

import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What each benchmark of {@code benchmarks/} measures, in words (the table's "feature" column), and
 * how many objects one operation of a per-graph benchmark handles (for ns per object).
 *
 * <p>The mapping lives in {@link #name}: add a case when a benchmark is added. An unknown benchmark
 * is shown as {@code Class.method (k=v, ...)}.
 */
public final class Features {
    private Features() {}

    private static final String DEFAULT_N = "1000000";

    /** A readable name for benchmark {@code shortName} ({@code Class.method}) with these parameters. */
    public static String name(String shortName, Map<String, String> params) {
        String shape = params.get("shape");
        String marks = lower(params.get("markBits"));
        String c = " (" + params.get("collector") + ")";
        // N is the benchmarks' default (1e6) unless said otherwise
        String n = params.containsKey("n") && !params.get("n").equals(DEFAULT_N) ? ", N=" + compact(params.get("n")) : "";
        String named = switch (shortName) {
            case "AllocationBench.allocate" -> "allocation: small object (2 refs), GC included";
            case "AllocationBench.allocateNoGc" -> "allocation: small object (2 refs), no GC";
            case "AllocationBench.allocateArray" -> "allocation: ref[16] array, GC included";
            case "AllocationBench.allocateLarge" -> "allocation: large object (64 KiB long[]), GC included";
            case "BarrierBench.setRef" -> "barrier: setRef, checks=" + lower(params.get("checks")) + c;
            case "BarrierBench.rawStore" -> "barrier: raw store (floor), checks=" + lower(params.get("checks"));
            case "MarkSweepBench.fullCollection" -> "mark-sweep full GC: " + shape + ", " + marks + " marks" + n;
            case "SweepBench.sweep" -> "sweep per span: all-" + ("live".equals(params.get("objects")) ? "live" : "dead") + ", " + marks;
            case "HandleBench.createRelease" -> "handle: create+release" + c;
            case "HandleBench.deref" -> "handle: deref" + c;
            case "HandleBench.pinUnpin" -> "pin+unpin" + c;
            case "FinalizationBench.registerFinalizer" -> "finalizer: registration" + c;
            case "FinalizationBench.weakRefCreate" -> "weakref: create" + c;
            case "FinalizationBench.weakRefClear" -> "weakref: clear by the collector" + c;
            case "RcBench.incrementDecrement" -> "rc: increment+decrement (2 pairs)";
            case "RcBench.dropTree" -> "rc: drop tree" + n;
            case "RcBench.detectGarbageCycles" -> "rc: cycle detection " + shape + n;
            case "RcBench.fullPassLiveRandom" -> "rc: full detector pass, live random" + n;
            case "RcBench.youngCollection" -> "rc: young collection (700 new)";
            default -> null;
        };
        // a known benchmark without a parameter its name needs (renamed, removed): the plain form
        return named != null && !named.contains("null") ? named : fallback(shortName, params);
    }

    static String fallback(String shortName, Map<String, String> params) {
        if (params.isEmpty()) return shortName;
        return shortName + new TreeMap<>(params).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(", ", " (", ")"));
    }

    /**
     * The objects one operation of a per-graph benchmark handles, or empty for the others: a full
     * mark-sweep collection marks the whole live graph, {@code dropTree} frees the whole tree,
     * {@code detectGarbageCycles} frees every cycle, {@code fullPassLiveRandom} visits the live graph.
     */
    public static OptionalLong objectsPerOperation(String shortName, Map<String, String> params) {
        String shape = switch (shortName) {
            case "MarkSweepBench.fullCollection", "RcBench.detectGarbageCycles" -> params.get("shape");
            case "RcBench.dropTree" -> "tree_td";
            case "RcBench.fullPassLiveRandom" -> "random";
            default -> null;
        };
        String n = params.get("n");
        if (shape == null || n == null) return OptionalLong.empty();
        try {
            return graphObjects(shape, Integer.parseInt(n.trim()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * The number of objects {@code GraphShapes.build} makes for {@code shape} with parameter N:
     * N + 1 for {@code random}/{@code local} (the root array included; N + 1 + parts above
     * {@code GraphShapes.MAX_ROOT_ARRAY_NODES}, where the root is chunked); 2^(d+1) - 1 for
     * {@code tree}/{@code tree_td}, with d = max(1, rint(log2(N + 1)) - 1); (N / k) * k for cycles of
     * k nodes ({@code cyc2}: k = 2, {@code cyc10}: k = 10, {@code ring}/{@code ring_live}: one ring of
     * N). Empty for a shape it does not know.
     */
    public static OptionalLong graphObjects(String shape, int n) {
        if (n < 1) return OptionalLong.empty();
        return switch (shape) {
            case "random", "local" -> OptionalLong.of(n + GraphShapes.rootObjects(n));
            case "tree", "tree_td" -> OptionalLong.of((1L << (GraphShapes.treeDepth(n) + 1)) - 1);
            case "cyc2" -> OptionalLong.of(n / 2 * 2L);
            case "cyc10" -> OptionalLong.of(n / 10 * 10L);
            case "ring", "ring_live" -> OptionalLong.of(n);
            default -> OptionalLong.empty();
        };
    }

    /** Nanoseconds per unit of a JMH time-per-operation unit ({@code ns/op}, {@code us/op}, ...), or NaN. */
    public static double nanosPer(String unit) {
        return switch (unit) {
            case "ns/op" -> 1;
            case "us/op" -> 1e3;
            case "ms/op" -> 1e6;
            case "s/op" -> 1e9;
            default -> Double.NaN;
        };
    }

    /** ns per object for a result, or NaN when the benchmark is not per graph or its unit is not time per op. */
    public static double nanosPerObject(JmhResult r) {
        OptionalLong objects = objectsPerOperation(r.shortName(), r.params());
        if (objects.isEmpty()) return Double.NaN;
        return r.score() * nanosPer(r.unit()) / objects.getAsLong();
    }

    private static String lower(String s) { return s == null ? null : s.toLowerCase(Locale.ROOT); }

    /** 1000000 -> 1e6; other numbers unchanged. */
    private static String compact(String n) {
        return n.matches("10*") && n.length() > 3 ? "1e" + (n.length() - 1) : n;
    }
}
