package dev.gclab.reports.anchors;

import dev.gclab.reports.bench.BenchRow;
import dev.gclab.reports.bench.Features;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The speed targets of the foundation (2), reference-counting (3) and speed (11) issues, as data, and
 * their evaluation against one JMH run and the anchors measured in the same {@code gclab anchors} run.
 *
 * <p>Absolute figures on these machines move 2–3× from one day to the next, so every target is a
 * <em>ratio</em> to an anchor measured in the same sitting ({@link Anchor}): CPython's {@code gc} on
 * the identical graph, the machine's dependent-read latency, or the raw-store floor (a JMH row of the
 * same run). The limit of each ratio is the issue's absolute goal divided by the anchor's figure on the
 * day the goal was set (the target's {@code derivation} says which), or the ratio the issue states. The
 * absolute figure and the issue's absolute goal are printed beside the ratio; the verdict reads the
 * ratio. A target whose anchor is missing (CPython not installed, a skipped probe) gets the verdict
 * "no anchor", with the absolute reading in parentheses.
 *
 * <p>Each {@link Target} names the benchmark and parameters that measure it and how its figure is
 * read: the score as it is, per object of the graph ({@link Features#nanosPerObject}), per pair (the
 * rc barrier benchmark does two increment/decrement pairs per operation), or as the ratio of two rows
 * (the sweep target compares all-dead with all-live spans: its own anchor). The 99.9% error is carried
 * into the ratio, and a verdict whose interval straddles the limit says so, so that a lucky or
 * unlucky run is visible as such.
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

    /** What a target's figure is divided by. */
    public enum AnchorKind {
        /** A CPython measurement of {@code anchors/cpython_graphs.py} in the same run (kind and shape). */
        CPYTHON,
        /** The machine probe's dependent-read latency (ns per hop): the figure is then cache misses per object. */
        HOP,
        /** The JMH row {@code BarrierBench.rawStore} of the same run, with the given check level. */
        FLOOR,
        /** None: the reading is a ratio of two rows of the same benchmark already. */
        SELF
    }

    /** A target's anchor: its kind and, for CPython, the measurement kind and shape; for the floor, the check level. */
    public record Anchor(AnchorKind kind, String what, String shape) {
        static Anchor cpython(String what, String shape) { return new Anchor(AnchorKind.CPYTHON, what, shape); }
        static Anchor hop() { return new Anchor(AnchorKind.HOP, null, null); }
        static Anchor floor(String checks) { return new Anchor(AnchorKind.FLOOR, checks, null); }
        static Anchor self() { return new Anchor(AnchorKind.SELF, null, null); }

        /** How the ratio's denominator reads in the table. */
        public String label() {
            return switch (kind) {
                case CPYTHON -> what.equals("collect") ? "CPython `gc.collect()`, `" + shape + "`"
                    : what.equals("drop_tree") ? "CPython, dropped `" + shape + "`" : "CPython `gc.collect(0)`";
                case HOP -> "dependent read";
                case FLOOR -> "raw store (" + what + ")";
                case SELF -> "–";
            };
        }
    }

    /**
     * One goal: the issue, in words, the benchmark and parameters, the reading, the issue's absolute goal
     * and its unit, the anchor, the ratio limit, and where that limit comes from.
     */
    public record Target(int issue, String goal, String benchmark, Map<String, String> params, Map<String, String> otherParams,
                         Reading reading, double absolute, String unit, Anchor anchor, double limit, String derivation) {}

    /**
     * A target with its measured figure and error (NaN when the run lacked the benchmark), the anchor's
     * figure (NaN when it was not measured), the ratio and its error, and the verdict.
     */
    public record Result(Target target, double value, double error, double anchor, double ratio, double ratioError, String verdict) {}

    /** The anchors of one run: CPython's figures (null when skipped) and the machine's dependent-read latency (NaN when skipped). */
    public record Anchors(AnchorJson.PyOutput python, double hopNs) {
        public static Anchors none() { return new Anchors(null, Double.NaN); }
    }

    private static final String N = "1000000";
    /** The raw store the day issue 2 and 3's absolute goals were restated as ratios (issue 4's note): 2.1 ns. */
    private static final String FLOOR_DAY = "the 2.1 ns raw store of the day the goal was set";
    /** The dependent-read latency of the anchors' reference day (shared anchors, RESULTS.md): 157 ns. */
    private static final String HOP_DAY = "the 157 ns dependent read of the anchors' reference day";

    /** Every target a benchmark measures, in the issues' order. */
    public static final List<Target> ALL = List.of(
        new Target(11, "small-object allocation (2 refs), no GC", "AllocationBench.allocateNoGc", Map.of(), Map.of(), Reading.NS_PER_OP,
            5, "ns", Anchor.floor("FULL"), 2.4, "5 ns (issue 11) over " + FLOOR_DAY),
        new Target(11, "`setRef`, `--checks fast`, no barrier (marksweep)", "BarrierBench.setRef", Map.of("checks", "FAST", "collector", "marksweep"),
            Map.of(), Reading.NS_PER_OP, Double.NaN, "ns", Anchor.floor("FAST"), 2, "issue 11"),
        new Target(11, "`setRef`, `--checks full`, no barrier (marksweep)", "BarrierBench.setRef", Map.of("checks", "FULL", "collector", "marksweep"),
            Map.of(), Reading.NS_PER_OP, Double.NaN, "ns", Anchor.floor("FULL"), 4, "issue 11"),
        new Target(11, "full mark-sweep of `random`, N = 1e6, side marks", "MarkSweepBench.fullCollection",
            Map.of("shape", "random", "markBits", "SIDE", "n", N), Map.of(), Reading.NS_PER_OBJECT, 60, "ns/object",
            Anchor.cpython("collect", "random"), 0.10, "issue 11"),
        new Target(2, "full mark-sweep of `random`, N = 1e6, side marks: misses per object", "MarkSweepBench.fullCollection",
            Map.of("shape", "random", "markBits", "SIDE", "n", N), Map.of(), Reading.NS_PER_OBJECT, 60, "ns/object",
            Anchor.hop(), 0.38, "60 ns (issue 2) over " + HOP_DAY),
        new Target(2, "full mark-sweep of `tree_td`, N = 1e6, side marks: misses per object", "MarkSweepBench.fullCollection",
            Map.of("shape", "tree_td", "markBits", "SIDE", "n", N), Map.of(), Reading.NS_PER_OBJECT, 20, "ns/object",
            Anchor.hop(), 0.13, "20 ns (issue 2) over " + HOP_DAY),
        new Target(2, "sweep: all-dead span ÷ all-live span, side marks", "SweepBench.sweep",
            Map.of("objects", "dead", "markBits", "SIDE"), Map.of("objects", "live", "markBits", "SIDE"), Reading.RATIO, Double.NaN, "×",
            Anchor.self(), 2, "issue 2 (within 2× either way)"),
        new Target(3, "rc increment + decrement pair", "RcBench.incrementDecrement", Map.of(), Map.of(), Reading.NS_PER_PAIR, 3, "ns",
            Anchor.floor("FULL"), 1.4, "3 ns (issue 3) over " + FLOOR_DAY),
        new Target(11, "rc: free a dropped tree (`tree_td`, N = 1e6) by count", "RcBench.dropTree", Map.of("n", N), Map.of(),
            Reading.NS_PER_OBJECT, 20, "ns/object", Anchor.cpython("drop_tree", "tree_td"), 0.20, "issue 11"),
        new Target(11, "rc: cycle detection of `cyc2` garbage, N = 1e6", "RcBench.detectGarbageCycles", Map.of("shape", "cyc2", "n", N),
            Map.of(), Reading.NS_PER_OBJECT, 40, "ns/object", Anchor.cpython("collect", "cyc2"), 0.25, "issue 11"),
        new Target(11, "rc: cycle detection of `cyc10` garbage, N = 1e6", "RcBench.detectGarbageCycles", Map.of("shape", "cyc10", "n", N),
            Map.of(), Reading.NS_PER_OBJECT, 40, "ns/object", Anchor.cpython("collect", "cyc10"), 0.25, "issue 11 (as cyc2)"),
        new Target(11, "rc: cycle detection of `ring` garbage, N = 1e6", "RcBench.detectGarbageCycles", Map.of("shape", "ring", "n", N),
            Map.of(), Reading.NS_PER_OBJECT, 40, "ns/object", Anchor.cpython("collect", "ring"), 0.25, "issue 11 (as cyc2)"),
        new Target(11, "rc: full detector pass over live `random`, N = 1e6", "RcBench.fullPassLiveRandom", Map.of("n", N), Map.of(),
            Reading.NS_PER_OBJECT, 70, "ns/object", Anchor.cpython("collect", "random"), 0.40, "issue 11"),
        new Target(11, "rc: generation-0 collection, 700 young + 1e6 old", "RcBench.youngCollection", Map.of("n", N), Map.of(),
            Reading.US_PER_OP, 10, "µs", Anchor.cpython("young", "random"), 0.15, "issue 11"));

    /** The JMH regex that selects every benchmark a target reads, its floor included. */
    public static String benchmarkFilter() {
        List<String> names = new ArrayList<>();
        for (Target t : ALL) {
            String re = "\\." + t.benchmark().replace(".", "\\.") + "$";
            if (!names.contains(re)) names.add(re);
        }
        names.add("\\.BarrierBench\\.rawStore$");
        return String.join("|", names);
    }

    /** Each target against {@code rows} and {@code anchors}: figure, error, anchor, ratio and verdict. */
    public static List<Result> evaluate(List<BenchRow> rows, Anchors anchors) {
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
                double scale = scale(t.reading(), a);
                value = a.score() * scale;
                error = a.error() * scale;
            }
            double anchor, anchorRelErr = 0;
            switch (t.anchor().kind()) {
                case SELF -> anchor = 1;
                case HOP -> anchor = anchors.hopNs();
                case CPYTHON -> {
                    AnchorJson.PyFigure f = anchors.python() == null ? null : anchors.python().find(t.anchor().what(), t.anchor().shape());
                    anchor = f == null ? Double.NaN
                        : t.reading() == Reading.US_PER_OP ? f.medianNs() / 1e3
                        : t.reading() == Reading.NS_PER_OBJECT ? f.nsPerObject() : f.medianNs();
                }
                case FLOOR -> {
                    BenchRow f = find(rows, "BarrierBench.rawStore", Map.of("checks", t.anchor().what()));
                    anchor = f == null || f.score() == 0 ? Double.NaN : f.score() * Features.nanosPer(f.unit());
                    if (f != null) anchorRelErr = relative(f);
                }
                default -> throw new AssertionError(t.anchor());
            }
            double ratio = value / anchor;
            double ratioError = t.anchor().kind() == AnchorKind.SELF ? error : ratio * Math.hypot(error / value, anchorRelErr);
            out.add(new Result(t, value, error, anchor, ratio, ratioError, verdict(t, value, error, ratio, ratioError)));
        }
        return out;
    }

    private static double scale(Reading r, BenchRow a) {
        return switch (r) {
            case NS_PER_OP -> Features.nanosPer(a.unit());
            case US_PER_OP -> Features.nanosPer(a.unit()) / 1e3;
            case NS_PER_PAIR -> Features.nanosPer(a.unit()) / 2;
            case NS_PER_OBJECT -> Double.isNaN(a.nsPerObject()) ? Double.NaN : a.nsPerObject() / a.score();
            case RATIO -> throw new AssertionError();
        };
    }

    static String verdict(Target t, double value, double error, double ratio, double ratioError) {
        if (Double.isNaN(value)) return "no figure";
        if (Double.isNaN(ratio)) {
            if (Double.isNaN(t.absolute())) return "no anchor";
            return "no anchor (absolute: " + judge(value, error, t.absolute(), false) + ")";
        }
        return judge(ratio, ratioError, t.limit(), t.reading() == Reading.RATIO);
    }

    /** Met or missed against {@code limit}, "within error" when the interval straddles it; two-sided ratios are judged either way. */
    static String judge(double v, double err, double limit, boolean eitherWay) {
        double worst = eitherWay ? Math.max(v, 1 / v) : v;
        boolean met = worst <= limit;
        if (Double.isNaN(err)) return met ? "met" : "missed";
        // the interval [v - err, v + err] against [1/limit, limit] (two-sided) or [-inf, limit]
        double lo = v - err, hi = v + err;
        boolean allIn = eitherWay ? lo >= 1 / limit && hi <= limit : hi <= limit;
        boolean someIn = eitherWay ? hi >= 1 / limit && lo <= limit : lo <= limit;
        if (met && !allIn) return "met (within error)";
        if (!met && someIn) return "missed (within error)";
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

    /** The Markdown table: goal, measured figure ± error, anchor, ratio ± error, ratio target, verdict, derivation. */
    public static String markdown(List<Result> results) {
        StringBuilder b = new StringBuilder("| issue | goal | measured (± 99.9% error) | issue's absolute goal | anchor (same run) | ratio | target ratio | verdict |\n"
            + "|---:|---|---:|---:|---|---:|---:|---|\n");
        for (Result r : results) {
            Target t = r.target();
            b.append("| ").append(t.issue()).append(" | ").append(t.goal()).append(" | ");
            if (Double.isNaN(r.value())) b.append("–");
            else {
                b.append(fmt(r.value()));
                if (!Double.isNaN(r.error())) b.append(" ± ").append(fmt(r.error()));
                b.append(' ').append(t.unit());
            }
            b.append(" | ").append(Double.isNaN(t.absolute()) ? "–" : "≤ " + limit(t.absolute()) + " " + t.unit()).append(" | ");
            if (t.anchor().kind() == AnchorKind.SELF) b.append("–");
            else {
                b.append(t.anchor().label()).append(": ");
                if (Double.isNaN(r.anchor())) b.append("not measured");
                else b.append(fmt(r.anchor())).append(' ').append(t.anchor().kind() == AnchorKind.HOP ? "ns" : t.unit());
            }
            b.append(" | ");
            if (Double.isNaN(r.ratio())) b.append("–");
            else {
                b.append(fmt(r.ratio()));
                if (!Double.isNaN(r.ratioError()) && r.ratioError() > 0) b.append(" ± ").append(fmt(r.ratioError()));
                b.append(t.anchor().kind() == AnchorKind.HOP ? " misses" : "×");
            }
            b.append(" | ").append(t.reading() == Reading.RATIO ? "within " + limit(t.limit()) + "×" : "≤ " + limit(t.limit())
                + (t.anchor().kind() == AnchorKind.HOP ? " misses" : "×"));
            b.append(" | ").append(r.verdict()).append(" |\n");
        }
        b.append("\nWhere each target ratio comes from:\n\n");
        for (Target t : ALL) b.append("- ").append(t.goal()).append(": ").append(t.derivation()).append(".\n");
        return b.toString();
    }

    private static String limit(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : fmt(v);
    }

    static String fmt(double v) {
        double a = Math.abs(v);
        return String.format(Locale.ROOT, a >= 100 ? "%,.0f" : a >= 10 ? "%.1f" : a >= 0.1 ? "%.2f" : "%.3f", v);
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
            StringBuilder b = new StringBuilder("## Targets, as ratios to anchors measured in the same run\n\n");
            if (skipped != null) {
                b.append("Benchmarks skipped: ").append(skipped).append("\n\n");
            } else {
                b.append("Each goal's benchmark (`benchmarks/`, JMH; ").append(source)
                    .append(") divided by its anchor from this same run: CPython's `gc` on the identical graph (section 1), the machine's dependent-read"
                        + " latency (section 3; the ratio is then cache misses per object), or the raw-store floor (the JMH row `BarrierBench.rawStore`)."
                        + " The verdict reads the ratio; the absolute goal of the issue stands beside it for a normal day."
                        + " A verdict \"within error\" means the 99.9% interval straddles the target.\n\n");
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
