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

    @Test
    void figuresAreReadPerObjectPerPairAndAsRatios() {
        List<BenchRow> rows = List.of(
            row("AllocationBench.allocateNoGc", Map.of(), 9.0, 0.5, "ns/op"),
            // random at N = 1e6 has 1,000,001 objects: 30 ms -> ~30 ns/object
            row("MarkSweepBench.fullCollection", Map.of("shape", "random", "markBits", "SIDE", "n", "1000000"), 30.0, 3.0, "ms/op"),
            row("MarkSweepBench.fullCollection", Map.of("shape", "random", "markBits", "HEADER", "n", "1000000"), 300.0, 3.0, "ms/op"),
            row("SweepBench.sweep", Map.of("objects", "dead", "markBits", "SIDE"), 60, 6, "ns/op"),
            row("SweepBench.sweep", Map.of("objects", "live", "markBits", "SIDE"), 40, 4, "ns/op"),
            row("RcBench.incrementDecrement", Map.of(), 5.0, 0.2, "ns/op"),
            row("RcBench.youngCollection", Map.of("n", "1000000"), 12.0, 3.0, "us/op"));
        List<Targets.Result> rs = Targets.evaluate(rows);
        assertEquals(Targets.ALL.size(), rs.size());

        Targets.Result alloc = find(rs, "allocation");
        assertEquals(9.0, alloc.value(), 1e-9);
        assertEquals("met", alloc.verdict());
        assertEquals("met (within error)", Targets.verdict(alloc.target(), 9.0, 1.5));
        Targets.Result random = find(rs, "`random`, N = 1e6, side");
        assertEquals(30e6 / 1_000_001, random.value(), 1e-6, "the side-marks row, not the header one");
        assertEquals(3e6 / 1_000_001, random.error(), 1e-6);
        assertEquals("met", random.verdict());
        Targets.Result sweep = find(rs, "sweep: all-dead");
        assertEquals(1.5, sweep.value(), 1e-9);
        assertEquals(1.5 * Math.hypot(0.1, 0.1), sweep.error(), 1e-9);
        assertEquals("met", sweep.verdict());
        Targets.Result pair = find(rs, "increment + decrement");
        assertEquals(2.5, pair.value(), 1e-9);
        assertEquals(0.1, pair.error(), 1e-9);
        Targets.Result young = find(rs, "generation-0");
        assertEquals(12.0, young.value(), 1e-9);
        assertEquals("missed (within error)", young.verdict());
        assertEquals("no figure", find(rs, "`ring`").verdict());

        String md = Targets.markdown(rs);
        assertTrue(md.contains("| 3 | rc: generation-0 collection, 700 young + 1e6 old | ≤ 10 µs | 12.0 ± 3.00 µs | missed (within error) |"), md);
        assertTrue(md.contains("| within 2× | 1.50 ± 0.21 × | met |"), md);
    }

    @Test
    void aRatioBelowOneCountsTheOtherWay() {
        List<BenchRow> rows = List.of(
            row("SweepBench.sweep", Map.of("objects", "dead", "markBits", "SIDE"), 10, 0, "ns/op"),
            row("SweepBench.sweep", Map.of("objects", "live", "markBits", "SIDE"), 40, 0, "ns/op"));
        assertEquals("missed", find(Targets.evaluate(rows), "sweep: all-dead").verdict(), "dead 4x cheaper is not within 2x either");
    }

    @Test
    void theFilterSelectsEveryTargetBenchmarkAndNothingElse() {
        Pattern p = Pattern.compile(Targets.benchmarkFilter());
        for (Targets.Target t : Targets.ALL) assertTrue(p.matcher("dev.gclab.bench." + t.benchmark()).find(), t.benchmark());
        assertTrue(!p.matcher("dev.gclab.bench.AllocationBench.allocate").find());
        assertTrue(!p.matcher("dev.gclab.bench.HandleBench.deref").find());
    }

    @Test
    void theSectionSaysWhereFiguresCameFromOrWhyTheyAreMissing() {
        List<Targets.Result> rs = Targets.evaluate(List.of(row("RcBench.incrementDecrement", Map.of(), 5.0, 0.2, "ns/op")));
        var verified = new Targets.VerifiedGcBench(2_000_000_000L, 69, 1_500_000, 9_000_000, 12_340_000, 800_000_000, null);
        String md = new Targets.Section(rs, "publishing settings: -f 2", null, verified).markdown();
        assertTrue(md.contains("JMH; publishing settings: -f 2)"), md);
        assertTrue(md.contains("| 3 | rc increment + decrement pair | ≤ 3 ns | 2.50 ± 0.10 ns | met |"), md);
        assertTrue(md.contains("completed; wall 2000 ms (verification 800 ms of it), 69 collections, pauses p50 1.50 ms, p99 9.00 ms, max 12.34 ms."), md);
        String skipped = new Targets.Section(List.of(), null, "no benchmarks jar given",
            new Targets.VerifiedGcBench(0, 0, 0, 0, 0, 0, "OutOfHeapException: heap full")).markdown();
        assertTrue(skipped.contains("Benchmarks skipped: no benchmarks jar given"), skipped);
        assertTrue(skipped.contains("**failed**: OutOfHeapException: heap full"), skipped);
        assertTrue(!skipped.contains("| issue |"), skipped);
    }
}
