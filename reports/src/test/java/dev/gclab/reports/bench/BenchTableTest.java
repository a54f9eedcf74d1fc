package dev.gclab.reports.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The table and the Δ column against a baseline. */
class BenchTableTest {
    static BenchRow row(String benchmark, Map<String, String> params, double score, double error, String unit) {
        return BenchRow.of(new JmhResult(benchmark, "avgt", params, score, error, unit, Double.NaN, Double.NaN));
    }

    @Test
    void deltaIsPercentOfTheBaseline() {
        assertEquals("+20.0%", BenchTable.delta(12, 0.5, 10, 0.5));
        assertEquals("-50.0%", BenchTable.delta(5, 0.1, 10, 0.1));
    }

    @Test
    void deltaWithinTheCombinedErrorIsNoChange() {
        assertEquals("~", BenchTable.delta(10.9, 0.5, 10, 0.5), "|0.9| < 0.5 + 0.5");
        assertEquals("+10.0%", BenchTable.delta(11, 0.5, 10, 0.5), "|1.0| is not < 1.0");
        assertEquals("~", BenchTable.delta(10, 0, 10, 3));
        assertEquals("+1.0%", BenchTable.delta(10.1, Double.NaN, 10, Double.NaN), "an unknown error counts as 0");
    }

    @Test
    void deltaOfMissingFiguresIsADash() {
        assertEquals("-", BenchTable.delta(Double.NaN, 0, 10, 0));
        assertEquals("-", BenchTable.delta(10, 0, Double.NaN, 0));
        assertEquals("-", BenchTable.delta(10, 0, 0, 0));
    }

    @Test
    void tableWithoutBaseline() throws Exception {
        List<BenchRow> rows = JmhJsonTest.sample().stream().map(BenchRow::of).toList();
        String t = BenchTable.format(rows, null, b -> true, false);
        List<String> lines = t.lines().toList();
        assertEquals(6, lines.size(), t);
        assertTrue(lines.get(0).startsWith("feature"), t);
        assertFalse(t.contains("Δ") || t.contains("instr/op"), t);
        assertTrue(lines.get(1).matches("allocation: small object \\(2 refs\\), GC included +33\\.00 ± +n/a ns/op"), t);
        assertTrue(lines.get(3).matches("mark-sweep full GC: random, side marks +29\\.61 ± +5\\.331 ms/op +29\\.61"), t);
        assertTrue(lines.get(4).startsWith("rc: cycle detection cyc2 "), t);
    }

    @Test
    void instructionsColumnWhenPerfCounted() throws Exception {
        List<BenchRow> rows = JmhJsonTest.sample().stream().map(BenchRow::of).toList();
        String t = BenchTable.format(rows, null, b -> true, true);
        assertTrue(t.lines().anyMatch(l -> l.startsWith("BarrierBench.setRef (checks=FULL)") && l.endsWith(" 61.5")), t);
        assertTrue(t.lines().anyMatch(l -> l.startsWith("rc: drop") || l.startsWith("allocation") && l.endsWith(" -")), t);
    }

    @Test
    void baselineAddsDeltaAndMarksMissingRows() {
        BenchRow fast = row("dev.gclab.bench.BarrierBench.setRef", Map.of("checks", "FAST", "collector", "rc"), 12.0, 0.2, "ns/op");
        BenchRow full = row("dev.gclab.bench.BarrierBench.setRef", Map.of("checks", "FULL", "collector", "rc"), 15.0, 1.0, "ns/op");
        BenchRow newOne = row("dev.gclab.bench.BarrierBench.rawStore", Map.of("checks", "FAST"), 2.5, 0.1, "ns/op");
        BenchRow msNow = row("dev.gclab.bench.MarkSweepBench.fullCollection", Map.of("shape", "random", "n", "1000000", "markBits", "SIDE"), 30, 1, "ms/op");
        List<BenchRow> base = List.of(
            row("dev.gclab.bench.BarrierBench.setRef", Map.of("checks", "FAST", "collector", "rc"), 10.0, 0.2, "ns/op"),
            row("dev.gclab.bench.BarrierBench.setRef", Map.of("checks", "FULL", "collector", "rc"), 15.5, 1.0, "ns/op"),
            row("dev.gclab.bench.MarkSweepBench.fullCollection", Map.of("shape", "random", "n", "1000000", "markBits", "SIDE"), 20_000_000, 0, "ns/op"),
            row("dev.gclab.bench.AllocationBench.allocate", Map.of(), 30, 1, "ns/op"),
            row("dev.gclab.bench.SweepBench.sweep", Map.of("objects", "live", "markBits", "SIDE"), 25, 1, "ns/op"));
        String t = BenchTable.format(List.of(fast, full, newOne, msNow), base, b -> !b.contains("Sweep"), false);
        assertTrue(t.lines().findFirst().orElseThrow().endsWith("Δ score"), t);
        assertTrue(t.lines().anyMatch(l -> l.startsWith("barrier: setRef, checks=fast") && l.endsWith(" +20.0%")), t);
        assertTrue(t.lines().anyMatch(l -> l.startsWith("barrier: setRef, checks=full") && l.endsWith(" ~")), t);
        assertTrue(t.lines().anyMatch(l -> l.startsWith("barrier: raw store (floor), checks=fast") && l.endsWith(" -")), "not in the baseline:\n" + t);
        assertTrue(t.lines().anyMatch(l -> l.startsWith("mark-sweep full GC: random") && l.endsWith(" +50.0%")), "ns/op baseline vs ms/op:\n" + t);
        assertTrue(t.lines().anyMatch(l -> l.matches("allocation: small object \\(2 refs\\), GC included +- +ns/op +-")),
            "in the baseline only, within the filter:\n" + t);
        assertFalse(t.contains("sweep per span"), "baseline rows outside the filter are left out:\n" + t);
        assertTrue(t.contains("~ = within the combined error"), t);
    }
}
