package dev.gclab.reports.anchors;

import dev.gclab.reports.bench.BenchRow;
import dev.gclab.reports.bench.JmhResult;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TargetsTest {
    private static BenchRow row(String shortName, Map<String, String> params, double score, double error, String unit) {
        return BenchRow.of(new JmhResult("dev.gclab.bench." + shortName, "avgt", params, score, error, unit, Double.NaN, Double.NaN));
    }

    private static Targets.Result find(List<Targets.Result> rs, String goalPart) {
        return rs.stream().filter(r -> r.target().goal().contains(goalPart)).findFirst().orElseThrow();
    }

    /** CPython's figures of one run: random 300 ns/object, cyc2 150, the dropped tree 100, a young collection of 700 in 70 µs. */
    static AnchorJson.PyOutput python() {
        return new AnchorJson.PyOutput("3.11.7", List.of(
            new AnchorJson.PyFigure("collect", "random", 1_000_001, 300.0 * 1_000_001),
            new AnchorJson.PyFigure("collect", "cyc2", 1_000_000, 150.0 * 1_000_000),
            new AnchorJson.PyFigure("drop_tree", "tree_td", 1_048_575, 100.0 * 1_048_575),
            new AnchorJson.PyFigure("young", "random", 700, 70_000.0)));
    }

    static List<BenchRow> rows() {
        return List.of(
            row("AllocationBench.allocateNoGc", Map.of(), 9.0, 0.5, "ns/op"),
            row("BarrierBench.rawStore", Map.of("checks", "FULL"), 3.0, 0.0, "ns/op"),
            row("BarrierBench.rawStore", Map.of("checks", "FAST"), 2.0, 0.0, "ns/op"),
            row("BarrierBench.setRef", Map.of("checks", "FAST", "collector", "rc"), 9.0, 0.0, "ns/op"),
            row("BarrierBench.setRef", Map.of("checks", "FAST", "collector", "marksweep"), 5.0, 0.0, "ns/op"),
            // random at N = 1e6 has 1,000,001 objects: 30 ms -> ~30 ns/object
            row("MarkSweepBench.fullCollection", Map.of("shape", "random", "markBits", "SIDE", "n", "1000000"), 30.0, 3.0, "ms/op"),
            row("MarkSweepBench.fullCollection", Map.of("shape", "random", "markBits", "HEADER", "n", "1000000"), 300.0, 3.0, "ms/op"),
            row("SweepBench.sweep", Map.of("objects", "dead", "markBits", "SIDE"), 60, 6, "ns/op"),
            row("SweepBench.sweep", Map.of("objects", "live", "markBits", "SIDE"), 40, 4, "ns/op"),
            row("RcBench.incrementDecrement", Map.of(), 5.0, 0.2, "ns/op"),
            row("RcBench.youngCollection", Map.of("n", "1000000"), 12.0, 3.0, "us/op"));
    }

    @Test
    void figuresAreReadPerObjectPerPairAndAsRatiosToTheirAnchors() {
        List<Targets.Result> rs = Targets.evaluate(rows(), new Targets.Anchors(python(), 100.0));
        assertEquals(Targets.ALL.size(), rs.size());

        Targets.Result alloc = find(rs, "allocation");
        assertEquals(9.0, alloc.value(), 1e-9);
        assertEquals(3.0, alloc.anchor(), 1e-9, "the FULL raw store");
        assertEquals(3.0, alloc.ratio(), 1e-9);
        assertEquals("missed", alloc.verdict(), "3.0 ± 0.17 against 2.4");
        Targets.Result fast = find(rs, "`--checks fast`");
        assertEquals(2.5, fast.ratio(), 1e-9, "marksweep's row over the FAST floor, not rc's");
        assertEquals("missed", fast.verdict());
        assertEquals("no figure", find(rs, "`--checks full`").verdict());

        Targets.Result random = find(rs, "`random`, N = 1e6, side marks");
        assertEquals(30e6 / 1_000_001, random.value(), 1e-6, "the side-marks row, not the header one");
        assertEquals(3e6 / 1_000_001, random.error(), 1e-6);
        assertEquals(300.0, random.anchor(), 1e-9);
        assertEquals(0.1, random.ratio(), 1e-6);
        assertEquals("met (within error)", random.verdict());
        Targets.Result misses = find(rs, "`random`, N = 1e6, side marks: misses");
        assertEquals(0.3, misses.ratio(), 1e-6, "30 ns over a 100 ns hop");
        assertEquals("met", misses.verdict());

        Targets.Result sweep = find(rs, "sweep: all-dead");
        assertEquals(1.5, sweep.value(), 1e-9);
        assertEquals(1.5, sweep.ratio(), 1e-9);
        assertEquals(1.5 * Math.hypot(0.1, 0.1), sweep.error(), 1e-9);
        assertEquals("met", sweep.verdict());
        Targets.Result pair = find(rs, "increment + decrement");
        assertEquals(2.5, pair.value(), 1e-9);
        assertEquals(0.1, pair.error(), 1e-9);
        assertEquals(2.5 / 3.0, pair.ratio(), 1e-9);
        assertEquals("met", pair.verdict());
        Targets.Result young = find(rs, "generation-0");
        assertEquals(12.0, young.value(), 1e-9);
        assertEquals(70.0, young.anchor(), 1e-9, "CPython's young collection in µs");
        assertEquals(12.0 / 70, young.ratio(), 1e-9);
        assertEquals("missed (within error)", young.verdict(), "0.171 ± 0.043 against 0.15");
        assertEquals("no figure", find(rs, "`ring`").verdict());

        String md = Targets.markdown(rs);
        assertTrue(md.contains("| 11 | rc: generation-0 collection, 700 young + 1e6 old | 12.0 ± 3.00 µs | ≤ 10 µs | CPython `gc.collect(0)`: 70.0 µs"
            + " | 0.17 ± 0.043× | ≤ 0.15× | missed (within error) |"), md);
        assertTrue(md.contains("| sweep: all-dead span ÷ all-live span, side marks | 1.50 ± 0.21 × | – | – | 1.50 ± 0.21× | within 2× | met |"), md);
        assertTrue(md.contains("| 0.30 ± 0.030 misses | ≤ 0.38 misses | met |"), md);
        assertTrue(md.contains("- rc increment + decrement pair: 3 ns (issue 3) over the 2.1 ns raw store of the day the goal was set."), md);
    }

    @Test
    void aTwoSidedRatioIsJudgedWithItsErrorToo() {
        assertEquals("missed (within error)", Targets.judge(2.02, 0.34, 2, true), "1.68..2.36 straddles 2");
        assertEquals("missed (within error)", Targets.judge(0.48, 0.05, 2, true), "0.43..0.53 straddles 1/2");
        assertEquals("met (within error)", Targets.judge(1.9, 0.2, 2, true));
        assertEquals("met", Targets.judge(1.5, 0.2, 2, true));
        assertEquals("missed", Targets.judge(3.0, 0.5, 2, true));
        assertEquals("met", Targets.judge(1.5, Double.NaN, 2, true));
    }

    @Test
    void aMissingAnchorGivesNoRatioButKeepsTheAbsoluteReading() {
        List<Targets.Result> rs = Targets.evaluate(rows(), Targets.Anchors.none());
        Targets.Result random = find(rs, "`random`, N = 1e6, side marks");
        assertTrue(Double.isNaN(random.ratio()));
        assertEquals("no anchor (absolute: met)", random.verdict(), "30 ns against the absolute 60");
        assertEquals("no anchor (absolute: missed (within error))", find(rs, "generation-0").verdict());
        assertTrue(Targets.markdown(rs).contains("CPython `gc.collect()`, `random`: not measured | – |"), Targets.markdown(rs));
        assertEquals("met", find(rs, "sweep: all-dead").verdict(), "a ratio of two rows needs no anchor");
    }

    @Test
    void aRatioBelowOneCountsTheOtherWay() {
        List<BenchRow> rows = List.of(
            row("SweepBench.sweep", Map.of("objects", "dead", "markBits", "SIDE"), 10, 0, "ns/op"),
            row("SweepBench.sweep", Map.of("objects", "live", "markBits", "SIDE"), 40, 0, "ns/op"));
        assertEquals("missed", find(Targets.evaluate(rows, Targets.Anchors.none()), "sweep: all-dead").verdict(), "dead 4x cheaper is not within 2x either");
    }

    @Test
    void theFilterSelectsEveryTargetBenchmarkAndNothingElse() {
        Pattern p = Pattern.compile(Targets.benchmarkFilter());
        for (Targets.Target t : Targets.ALL) assertTrue(p.matcher("dev.gclab.bench." + t.benchmark()).find(), t.benchmark());
        assertTrue(p.matcher("dev.gclab.bench.BarrierBench.rawStore").find(), "the floor");
        assertTrue(!p.matcher("dev.gclab.bench.AllocationBench.allocate").find());
        assertTrue(!p.matcher("dev.gclab.bench.HandleBench.deref").find());
    }

    @Test
    void theSectionSaysWhereFiguresCameFromOrWhyTheyAreMissing() {
        List<Targets.Result> rs = Targets.evaluate(List.of(row("RcBench.incrementDecrement", Map.of(), 5.0, 0.2, "ns/op"),
            row("BarrierBench.rawStore", Map.of("checks", "FULL"), 2.0, 0.0, "ns/op")), Targets.Anchors.none());
        var verified = new Targets.VerifiedGcBench(2_000_000_000L, 69, 1_500_000, 9_000_000, 12_340_000, 800_000_000, null);
        String md = new Targets.Section(rs, "publishing settings: -f 2", null, verified).markdown();
        assertTrue(md.contains("JMH; publishing settings: -f 2)"), md);
        assertTrue(md.contains("| 3 | rc increment + decrement pair | 2.50 ± 0.10 ns | ≤ 3 ns | raw store (FULL): 2.00 ns | 1.25 ± 0.050× | ≤ 1.40× | met |"), md);
        assertTrue(md.contains("completed; wall 2000 ms (verification 800 ms of it), 69 collections, pauses p50 1.50 ms, p99 9.00 ms, max 12.34 ms."), md);
        String skipped = new Targets.Section(List.of(), null, "no benchmarks jar given",
            new Targets.VerifiedGcBench(0, 0, 0, 0, 0, 0, "OutOfHeapException: heap full")).markdown();
        assertTrue(skipped.contains("Benchmarks skipped: no benchmarks jar given"), skipped);
        assertTrue(skipped.contains("**failed**: OutOfHeapException: heap full"), skipped);
        assertTrue(!skipped.contains("| issue |"), skipped);
    }
}
