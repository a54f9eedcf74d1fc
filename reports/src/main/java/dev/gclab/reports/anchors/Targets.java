package dev.gclab.reports.anchors;

import dev.gclab.reports.bench.BenchRow;
import dev.gclab.reports.bench.Features;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The speed targets of the foundation (issue 2) and reference-counting (issue 3) issues, as data, and
 * their evaluation against one JMH run.
 *
 * <p>Each {@link Target} names the benchmark and parameters that measure it and how its figure is
 * read: the score as it is, per object of the graph ({@link Features#nanosPerObject}), per pair (the
 * rc barrier benchmark does two increment/decrement pairs per operation), or as the ratio of two rows
 * (the sweep target compares all-dead with all-live spans). A target is <em>met</em> when the figure
 * is within the limit; the 99.9% error is printed beside it, and a verdict whose interval straddles the
 * limit says so, so that a lucky or unlucky run is visible as such.
 */
public final class Targets {
    private Targets() {}

    /** How a target's figure comes from the benchmark rows. */
    public enum Reading {
        /** The score in ns per operation. */
        NS_PER_OP,
        /** The score in µs per operation. */
        US_PER_OP,
        /** The score divided by the objects one operation handles. */
        NS_PER_OBJECT,
        /** The score divided by two (two pairs per operation). */
        NS_PER_PAIR,
        /** The score of {@code params} divided by the score of {@code otherParams}; limit is the largest ratio either way. */
        RATIO
    }

    /** One goal: the issue, in words, the benchmark and parameters, the reading, the limit and its unit. */
    public record Target(int issue, String goal, String benchmark, Map<String, String> params, Map<String, String> otherParams,
                         Reading reading, double limit, String unit) {}

    /** A target with its measured figure and error (NaN when the run lacked the benchmark), and the verdict. */
    public record Result(Target target, double value, double error, String verdict) {}

    private static final String N = "1000000";

    /** Every target of issues 2 and 3 that a benchmark measures, in the issues' order. */
    public static final List<Target> ALL = List.of(
        new Target(2, "small-object allocation (2 refs), no GC", "AllocationBench.allocateNoGc", Map.of(), Map.of(), Reading.NS_PER_OP, 10, "ns"),
        new Target(2, "full mark-sweep of `random`, N = 1e6, side marks", "MarkSweepBench.fullCollection",
            Map.of("shape", "random", "markBits", "SIDE", "n", N), Map.of(), Reading.NS_PER_OBJECT, 60, "ns/object"),
        new Target(2, "full mark-sweep of `tree_td`, N = 1e6, side marks", "MarkSweepBench.fullCollection",
            Map.of("shape", "tree_td", "markBits", "SIDE", "n", N), Map.of(), Reading.NS_PER_OBJECT, 20, "ns/object"),
        new Target(2, "sweep: all-dead span ÷ all-live span, side marks", "SweepBench.sweep",
            Map.of("objects", "dead", "markBits", "SIDE"), Map.of("objects", "live", "markBits", "SIDE"), Reading.RATIO, 2, "×"),
        new Target(3, "rc increment + decrement pair", "RcBench.incrementDecrement", Map.of(), Map.of(), Reading.NS_PER_PAIR, 3, "ns"),
        new Target(3, "rc: free a dropped tree (`tree_td`, N = 1e6) by count", "RcBench.dropTree", Map.of("n", N), Map.of(),
            Reading.NS_PER_OBJECT, 20, "ns/object"),
        new Target(3, "rc: cycle detection of `cyc2` garbage, N = 1e6", "RcBench.detectGarbageCycles", Map.of("shape", "cyc2", "n", N),
            Map.of(), Reading.NS_PER_OBJECT, 40, "ns/object"),
        new Target(3, "rc: cycle detection of `cyc10` garbage, N = 1e6", "RcBench.detectGarbageCycles", Map.of("shape", "cyc10", "n", N),
            Map.of(), Reading.NS_PER_OBJECT, 40, "ns/object"),
        new Target(3, "rc: cycle detection of `ring` garbage, N = 1e6", "RcBench.detectGarbageCycles", Map.of("shape", "ring", "n", N),
            Map.of(), Reading.NS_PER_OBJECT, 40, "ns/object"),
        new Target(3, "rc: full detector pass over live `random`, N = 1e6", "RcBench.fullPassLiveRandom", Map.of("n", N), Map.of(),
            Reading.NS_PER_OBJECT, 70, "ns/object"),
        new Target(3, "rc: generation-0 collection, 700 young + 1e6 old", "RcBench.youngCollection", Map.of("n", N), Map.of(),
            Reading.US_PER_OP, 10, "µs"));

    /** The JMH regex that selects every benchmark a target reads. */
    public static String benchmarkFilter() {
        List<String> names = new ArrayList<>();
        for (Target t : ALL) {
            String re = "\\." + t.benchmark().replace(".", "\\.") + "$";
            if (!names.contains(re)) names.add(re);
        }
        return String.join("|", names);
    }

    /** Each target against {@code rows}: its figure, error and verdict ("no figure" when its row is missing). */
    public static List<Result> evaluate(List<BenchRow> rows) {
        List<Result> out = new ArrayList<>();
        for (Target t : ALL) {
            BenchRow a = find(rows, t.benchmark(), t.params());
            double value, error;
            if (a == null) {
                value = error = Double.NaN;
            } else if (t.reading() == Reading.RATIO) {
                BenchRow b = find(rows, t.benchmark(), t.otherParams());
                if (b == null || b.score() == 0) {
                    value = error = Double.NaN;
                } else {
                    value = a.score() / b.score();
                    // first-order propagation of the two relative errors
                    error = value * Math.hypot(relative(a), relative(b));
                }
            } else {
                double scale = switch (t.reading()) {
                    case NS_PER_OP -> Features.nanosPer(a.unit());
                    case US_PER_OP -> Features.nanosPer(a.unit()) / 1e3;
                    case NS_PER_PAIR -> Features.nanosPer(a.unit()) / 2;
                    case NS_PER_OBJECT -> Double.isNaN(a.nsPerObject()) ? Double.NaN : a.nsPerObject() / a.score();
                    case RATIO -> throw new AssertionError();
                };
                value = a.score() * scale;
                error = a.error() * scale;
            }
            out.add(new Result(t, value, error, verdict(t, value, error)));
        }
        return out;
    }

    static String verdict(Target t, double value, double error) {
        if (Double.isNaN(value)) return "no figure";
        double worst = t.reading() == Reading.RATIO ? Math.max(value, 1 / value) : value;
        boolean met = worst <= t.limit();
        if (Double.isNaN(error) || t.reading() == Reading.RATIO) return met ? "met" : "missed";
        if (met && value + error > t.limit()) return "met (within error)";
        if (!met && value - error <= t.limit()) return "missed (within error)";
        return met ? "met" : "missed";
    }

    private static double relative(BenchRow r) {
        return Double.isNaN(r.error()) ? 0 : r.error() / r.score();
    }

    /** The row of {@code benchmark} (Class.method) whose parameters include {@code params}. */
    static BenchRow find(List<BenchRow> rows, String benchmark, Map<String, String> params) {
        for (BenchRow r : rows) {
            if (!r.benchmark().endsWith("." + benchmark)) continue;
            if (r.params().entrySet().containsAll(params.entrySet())) return r;
        }
        return null;
    }

    /** The Markdown table: goal, target, measured figure ± error, verdict. */
    public static String markdown(List<Result> results) {
        StringBuilder b = new StringBuilder("| issue | goal | target | measured (± 99.9% error) | verdict |\n|---:|---|---:|---:|---|\n");
        for (Result r : results) {
            Target t = r.target();
            b.append("| ").append(t.issue()).append(" | ").append(t.goal()).append(" | ")
                .append(t.reading() == Reading.RATIO ? "within " + limit(t.limit()) + "×" : "≤ " + limit(t.limit()) + " " + t.unit()).append(" | ");
            if (Double.isNaN(r.value())) b.append("–");
            else {
                b.append(fmt(r.value()));
                if (!Double.isNaN(r.error())) b.append(" ± ").append(fmt(r.error()));
                b.append(' ').append(t.unit());
            }
            b.append(" | ").append(r.verdict()).append(" |\n");
        }
        return b.toString();
    }

    private static String limit(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : fmt(v);
    }

    static String fmt(double v) {
        double a = Math.abs(v);
        return String.format(Locale.ROOT, a >= 100 ? "%,.0f" : a >= 10 ? "%.1f" : "%.2f", v);
    }

    /**
     * The full-size {@code gcbench} run on {@code marksweep} with {@code --verify} (issue 2: "completes
     * with --verify; report wall time and pauses"); {@code error} is the failure's message, else null.
     */
    public record VerifiedGcBench(long wallNs, long cycles, long p50PauseNs, long p99PauseNs, long maxPauseNs, long verifyNs,
                                  String error) {}

    /**
     * The targets part of docs/performance.md: the results (empty when {@code skipped} says why), where
     * the figures come from (JMH settings, or the bench file given), and the verified gcbench run.
     */
    public record Section(List<Result> results, String source, String skipped, VerifiedGcBench gcbench) {
        public String markdown() {
            StringBuilder b = new StringBuilder("## Targets of the foundation (2) and rc (3) issues\n\n");
            if (skipped != null) {
                b.append("Benchmarks skipped: ").append(skipped).append("\n\n");
            } else {
                b.append("Each goal's benchmark (`benchmarks/`, JMH; ").append(source)
                    .append(") against its target. A verdict \"within error\" means the 99.9% interval straddles the target.\n\n");
                b.append(Targets.markdown(results)).append('\n');
            }
            if (gcbench != null) {
                b.append("Full-size `gcbench` on `marksweep`, 256 MiB heap, with `--verify` (a re-trace before and after every collection): ");
                if (gcbench.error() != null) {
                    b.append("**failed**: ").append(gcbench.error()).append("\n\n");
                } else {
                    b.append(String.format(Locale.ROOT, "completed; wall %.0f ms (verification %.0f ms of it), %,d collections, pauses p50 %.2f ms, p99 %.2f ms, max %.2f ms.\n\n",
                        gcbench.wallNs() / 1e6, gcbench.verifyNs() / 1e6, gcbench.cycles(), gcbench.p50PauseNs() / 1e6,
                        gcbench.p99PauseNs() / 1e6, gcbench.maxPauseNs() / 1e6));
                }
            }
            return b.toString();
        }
    }
}
