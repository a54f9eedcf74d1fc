package dev.gclab.reports.text;

import dev.gclab.reports.runner.RunResult;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompareTableTest {
    private static RunResult result(String collector, long cycles, long young, Map<String, Long> collectorCounters) {
        Map<String, Long> work = new LinkedHashMap<>();
        work.put("allocations", 1_234_567L);
        work.put("allocated_bytes", 40_915_600L);
        return new RunResult(1, "0.1.0-SNAPSHOT", "2026-01-02T03:04:05.678Z", collector, "pycycles", 42L, 1.0,
            Map.of("rounds", "3"), Map.of(), 256L << 20, "side", "full", false, 2.0,
            new RunResult.Constraints(false, "none", false, false, false, false), cycles, young,
            new RunResult.Pauses(cycles, 5_000_000, 400_000, 600_000, 900_000, 12_300_000),
            100_000_000, 5_000_000, 95_000_000, 4L << 20, work, 0L, collectorCounters, "25",
            new RunResult.Os("Linux", "amd64", "6.1"), new RunResult.Machine(2, 2L << 30),
            Map.of(), RunResult.Pauses.NONE, RunResult.Pauses.NONE, List.of(), RunResult.PauseTimeline.EMPTY);
    }

    private static String line(String table, String label) {
        return table.lines().filter(l -> l.startsWith(label + " ") || l.equals(label)).findFirst()
            .orElseThrow(() -> new AssertionError("no row " + label + " in\n" + table));
    }

    @Test
    void collectorsAreColumnsAndMissingCountersShowADash() {
        String t = CompareTable.format(List.of(
            result("marksweep", 15, 0, Map.of("finalizers_run", 7L)),
            result("rc", 1_419, 1_404, new LinkedHashMap<>(Map.of("pages_dirtied", 842L)))));
        assertTrue(t.startsWith("compare    pycycles, size 1, params rounds=3, seed 42\n"
            + "heap       256 MiB, mark bits side, checks full, growth 2.0, verify off\n\n"), t);
        assertTrue(t.lines().anyMatch(l -> l.matches(" +marksweep +rc")), t);
        assertTrue(line(t, "GC cycles").matches("GC cycles +15 +1,419"), t);
        assertTrue(line(t, "  young").matches(" +young +0 +1,404"), t);
        assertTrue(line(t, "  max").matches(" +max +12.3 ms +12.3 ms"), t);
        assertTrue(line(t, "peak heap").matches("peak heap +4 MiB +4 MiB"), t);
        assertTrue(line(t, "  allocations").matches(" +allocations +1,234,567 +1,234,567"), t);
        assertTrue(line(t, "  finalizers_run").matches(" +finalizers_run +7 +-"), t);
        assertTrue(line(t, "  pages_dirtied").matches(" +pages_dirtied +- +842"), t);
        assertTrue(t.contains("\nwork counters\n") && t.contains("\ncollector counters\n"), t);
        assertTrue(!t.contains("verify time"), "no verification row when no run verified");
        // values are right-aligned under their collector's name
        String header = t.lines().filter(l -> l.matches(" +marksweep +rc")).findFirst().orElseThrow();
        assertEquals(header.length(), line(t, "  pages_dirtied").length());
        assertEquals(header.indexOf("marksweep") + "marksweep".length(), line(t, "  finalizers_run").indexOf("7") + 1);
    }

    @Test
    void manyCollectorsWrapIntoBlocksThatFitTheWidth() {
        List<RunResult> runs = new ArrayList<>();
        for (int i = 0; i < 9; i++) runs.add(result("collector" + i, 10 + i, 0, Map.of("weakref_callbacks_run", 1_000_000_000L * i)));
        String t = CompareTable.format(runs);
        assertTrue(t.lines().allMatch(l -> l.length() <= CompareTable.DEFAULT_WIDTH), t);
        long headers = t.lines().filter(l -> l.matches("( +collector\\d)+")).count();
        assertTrue(headers >= 2, "split into blocks:\n" + t);
        for (int i = 0; i < 9; i++) assertTrue(t.contains("collector" + i), t);
        assertEquals(headers, t.lines().filter(l -> l.startsWith("GC cycles")).count(), "each block repeats the metric names");
        String narrow = CompareTable.format(runs.subList(0, 2), 10);
        assertEquals(2, narrow.lines().filter(l -> l.matches("( +collector\\d)+")).count(), "one column per block at least:\n" + narrow);
    }

    @Test
    void nothingToCompareIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> CompareTable.format(List.of()));
    }
}
