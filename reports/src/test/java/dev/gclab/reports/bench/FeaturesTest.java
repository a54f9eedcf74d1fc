package dev.gclab.reports.bench;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Feature names and the objects per operation behind ns per object. */
class FeaturesTest {
    @Test
    void namesTheKnownBenchmarks() {
        assertEquals("allocation: small object (2 refs), GC included", Features.name("AllocationBench.allocate", Map.of()));
        assertEquals("allocation: small object (2 refs), no GC", Features.name("AllocationBench.allocateNoGc", Map.of()));
        assertEquals("barrier: setRef, checks=full (rc)", Features.name("BarrierBench.setRef", Map.of("checks", "FULL", "collector", "rc")));
        // a row of a baseline written before the collector parameter existed: the plain form
        assertEquals("BarrierBench.setRef (checks=FULL)", Features.name("BarrierBench.setRef", Map.of("checks", "FULL")));
        assertEquals("weakref: clear by the collector (marksweep)",
            Features.name("FinalizationBench.weakRefClear", Map.of("collector", "marksweep")));
        assertEquals("allocation: large object (64 KiB long[]), GC included", Features.name("AllocationBench.allocateLarge", Map.of()));
        assertEquals("barrier: raw store (floor), checks=fast", Features.name("BarrierBench.rawStore", Map.of("checks", "FAST")));
        assertEquals("mark-sweep full GC: random, side marks",
            Features.name("MarkSweepBench.fullCollection", Map.of("shape", "random", "n", "1000000", "markBits", "SIDE")));
        assertEquals("mark-sweep full GC: tree_td, header marks, N=1e5",
            Features.name("MarkSweepBench.fullCollection", Map.of("shape", "tree_td", "n", "100000", "markBits", "HEADER")));
        assertEquals("sweep per span: all-dead, side", Features.name("SweepBench.sweep", Map.of("objects", "dead", "markBits", "SIDE")));
        assertEquals("rc: increment+decrement (2 pairs)", Features.name("RcBench.incrementDecrement", Map.of()));
        assertEquals("rc: drop tree", Features.name("RcBench.dropTree", Map.of("n", "1000000")));
        assertEquals("rc: cycle detection cyc2", Features.name("RcBench.detectGarbageCycles", Map.of("shape", "cyc2", "n", "1000000")));
        assertEquals("rc: full detector pass, live random", Features.name("RcBench.fullPassLiveRandom", Map.of("n", "1000000")));
        assertEquals("rc: young collection (700 new)", Features.name("RcBench.youngCollection", Map.of("n", "1000000")));
    }

    @Test
    void unknownBenchmarksFallBackToNameAndParams() {
        assertEquals("NewBench.thing", Features.name("NewBench.thing", Map.of()));
        assertEquals("NewBench.thing (a=1, b=x)", Features.name("NewBench.thing", Map.of("b", "x", "a", "1")));
        // a known benchmark that lost a parameter its name needs
        assertEquals("BarrierBench.setRef", Features.name("BarrierBench.setRef", Map.of()));
    }

    /** The formula, in floating point: d = max(1, rint(log2(N + 1)) - 1), 2^(d+1) - 1 objects. */
    private static long treeObjects(int n) {
        long d = Math.max(1, (long) Math.rint(Math.log(n + 1.0) / Math.log(2)) - 1);
        return (1L << (d + 1)) - 1;
    }

    @Test
    void graphObjectsPerShape() {
        assertEquals(OptionalLong.of(1_000_001), Features.graphObjects("random", 1_000_000));
        assertEquals(OptionalLong.of((1L << 20) - 1), Features.graphObjects("tree_td", 1_000_000), "d = 19 for N = 1e6");
        for (int n : new int[] {1, 2, 3, 7, 100, 1000, 5000, 65535, 100_000, 1_000_000, 3_000_000}) {
            assertEquals(treeObjects(n), Features.graphObjects("tree", n).getAsLong(), "tree, N=" + n);
        }
        assertEquals(OptionalLong.of(3), Features.graphObjects("tree_td", 1), "depth at least 1");
        assertEquals(OptionalLong.of(1_000_000), Features.graphObjects("cyc2", 1_000_000));
        assertEquals(OptionalLong.of(1_000_000), Features.graphObjects("cyc10", 1_000_000));
        assertEquals(OptionalLong.of(1_000_000), Features.graphObjects("ring", 1_000_000));
        assertEquals(OptionalLong.of(1000), Features.graphObjects("cyc10", 1005), "whole cycles only");
        assertTrue(Features.graphObjects("blob", 10).isEmpty());
    }

    @Test
    void objectsPerOperationOnlyForPerGraphBenchmarks() {
        assertEquals(OptionalLong.of(1_000_001), Features.objectsPerOperation("MarkSweepBench.fullCollection",
            Map.of("shape", "random", "n", "1000000", "markBits", "SIDE")));
        assertEquals(OptionalLong.of((1L << 20) - 1), Features.objectsPerOperation("RcBench.dropTree", Map.of("n", "1000000")));
        assertEquals(OptionalLong.of(1_000_000), Features.objectsPerOperation("RcBench.detectGarbageCycles", Map.of("shape", "ring", "n", "1000000")));
        assertEquals(OptionalLong.of(1_000_001), Features.objectsPerOperation("RcBench.fullPassLiveRandom", Map.of("n", "1000000")));
        assertTrue(Features.objectsPerOperation("RcBench.youngCollection", Map.of("n", "1000000")).isEmpty(), "700 objects, not the graph");
        assertTrue(Features.objectsPerOperation("SweepBench.sweep", Map.of()).isEmpty());
        assertTrue(Features.objectsPerOperation("RcBench.dropTree", Map.of("n", "many")).isEmpty());
    }

    @Test
    void nanosPerObjectConvertsTheUnit() throws Exception {
        var rs = JmhJsonTest.sample();
        JmhResult ms = rs.get(2); // mark-sweep, random, 29.605 ms/op
        assertEquals(ms.score() * 1e6 / 1_000_001, Features.nanosPerObject(ms), 1e-9);
        assertEquals(29.6, Features.nanosPerObject(ms), 0.01);
        JmhResult cyc2 = rs.get(3); // 55.54 ms single shot over 1e6 objects
        assertEquals(55.537, Features.nanosPerObject(cyc2), 0.001);
        assertTrue(Double.isNaN(Features.nanosPerObject(rs.get(0))));
        assertTrue(Double.isNaN(Features.nanosPerObject(rs.get(4))));
    }
}
