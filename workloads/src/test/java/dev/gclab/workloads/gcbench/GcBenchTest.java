package dev.gclab.workloads.gcbench;

import dev.gclab.gc.spi.GcCause;
import dev.gclab.heap.Mutator;
import dev.gclab.heap.object.LayoutRegistry;
import dev.gclab.workloads.TestHeaps;
import dev.gclab.workloads.Trees;
import dev.gclab.workloads.Workload;
import dev.gclab.workloads.WorkloadRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GcBenchTest {
    private final Workload gcbench = WorkloadRegistry.byName("gcbench");

    @Test
    void fullSizeIsThePublishedBenchmark() {
        GcBench.Plan p = GcBench.Plan.forSize(1.0);
        assertEquals(new GcBench.Plan(18, 16, List.of(4, 6, 8, 10, 12, 14, 16), 500_000), p);
        assertEquals(2 * 524_287 / 31, p.iterations(4));
        assertEquals(8, p.iterations(16));
    }

    @Test
    void smallerSizesShrinkEveryDepthAndTheArray() {
        GcBench.Plan p = GcBench.Plan.forSize(1.0 / 8);
        assertEquals(new GcBench.Plan(15, 13, List.of(2, 3, 5, 7, 9, 11, 13), 62_500), p);
        GcBench.Plan p07 = GcBench.Plan.forSize(0.07); // round(-log2 0.07) = 4
        assertEquals(new GcBench.Plan(14, 12, List.of(2, 4, 6, 8, 10, 12), 35_000), p07);
        assertEquals(new GcBench.Plan(2, 2, List.of(2), 5), GcBench.Plan.forSize(1e-5));
        assertEquals(GcBench.Plan.forSize(1.0).depths(), GcBench.Plan.forSize(0.8).depths());
        assertThrows(IllegalArgumentException.class, () -> GcBench.Plan.forSize(1e-7));
    }

    @Test
    void runsUnderTheVerifierAndTriggersCollections() {
        try (TestHeaps t = TestHeaps.markSweep(48L << 20, 4L << 20)) {
            gcbench.run(t.context(1, 1.0 / 16, Map.of()));
            GcBench.Plan plan = GcBench.Plan.forSize(1.0 / 16);
            assertTrue(t.collector().stats().cycles() >= 5, "cycles: " + t.collector().stats().cycles());
            assertEquals(plan.totalNodes() + 1, t.heap().counters().allocations);
            assertTrue(t.heap().counters().objectsFreed > plan.totalNodes() / 2);
            // the long-lived data were released at the end
            t.collector().collect(GcCause.EXPLICIT);
            assertEquals(0, t.heap().objectCount());
            assertEquals(1 + plan.depths().size(), t.log().size());
        }
    }

    @Test
    void sameSeedSameWork() {
        Map<String, Long> first;
        long cycles;
        try (TestHeaps t = TestHeaps.markSweep(32L << 20, 1L << 20)) {
            gcbench.run(t.context(42, 1.0 / 64, Map.of()));
            first = t.heap().counters().asMap();
            cycles = t.collector().stats().cycles();
        }
        try (TestHeaps t = TestHeaps.markSweep(32L << 20, 1L << 20)) {
            gcbench.run(t.context(42, 1.0 / 64, Map.of()));
            assertEquals(first, t.heap().counters().asMap());
            assertEquals(cycles, t.collector().stats().cycles());
        }
        assertTrue(cycles > 0);
        assertTrue(first.get("objects_freed") > 0);
    }

    @Test
    void theFinalCheckCatchesDamage() {
        try (TestHeaps t = TestHeaps.markSweep(16L << 20, 4L << 20)) {
            Mutator m = t.mutator();
            int node = m.layouts().fixed(GcBench.NODE_LAYOUT, "rrdd");
            int tree = m.global("t.tree");
            int array = m.global("t.array");
            m.pushFrame(1);
            Trees.makeTreeTopDown(m, node, 5, 0);
            m.setGlobal(tree, m.local(0));
            m.popFrame();
            m.setGlobal(array, m.allocateArray(LayoutRegistry.LONG_ARRAY, 100));
            long root = m.getGlobal(tree);
            long arr = m.getGlobal(array);
            // nodes not numbered yet
            assertThrows(IllegalStateException.class, () -> GcBench.checkLongLived(m, root, 5, arr, 100));
            GcBench.numberNodes(m, root, 5);
            for (int i = 0; i < 50; i++) m.setDouble(arr, i, 1.0 / i);
            GcBench.checkLongLived(m, root, 5, arr, 100);
            // wrong depth, a changed number, a lost subtree, a changed element
            assertThrows(IllegalStateException.class, () -> GcBench.checkLongLived(m, root, 6, arr, 100));
            long leaf = m.getRef(m.getRef(m.getRef(m.getRef(m.getRef(root, 1), 0), 1), 1), 0);
            m.setLong(leaf, 0, 12345);
            assertThrows(IllegalStateException.class, () -> GcBench.checkLongLived(m, root, 5, arr, 100));
            GcBench.numberNodes(m, root, 5);
            m.setDouble(arr, 70, 0.5);
            assertThrows(IllegalStateException.class, () -> GcBench.checkLongLived(m, root, 5, arr, 100));
            m.setDouble(arr, 70, 0.0);
            GcBench.checkLongLived(m, root, 5, arr, 100);
            m.setRef(m.getRef(root, 0), 1, 0);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> GcBench.checkLongLived(m, root, 5, arr, 100));
            assertTrue(e.getMessage().contains("lacks a child"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> GcBench.checkLongLived(m, 0, 5, arr, 100));
        }
    }

    @Test
    void takesOnlyThePinnedFraction() {
        try (TestHeaps t = TestHeaps.markSweep(16L << 20, 4L << 20)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> gcbench.run(t.context(1, 1.0 / 64, Map.of("depth", "3"))));
            assertTrue(e.getMessage().contains("unknown parameter 'depth'") && e.getMessage().contains("valid parameters: pinned_fraction"), e.getMessage());
            assertEquals(0, t.heap().counters().allocations);
        }
    }

    /** With pins, every moving collector must leave the pinned nodes where they were (the run's own check), and the pins are gone at the end. */
    @Test
    void pinnedNodesStayUnderEveryCollector() {
        for (var p : dev.gclab.gc.spi.CollectorRegistry.all()) {
            try (TestHeaps t = TestHeaps.create(p.name(), 64L << 20, dev.gclab.gc.spi.CollectorOptions.defaults().withVerify(true).withMinTrigger(1L << 20))) {
                gcbench.run(t.context(3, 1.0 / 32, Map.of("pinned_fraction", "0.05")));
                assertTrue(t.log().stream().anyMatch(l -> l.contains("long-lived nodes pinned")), p.name() + ": " + t.log());
                assertTrue(t.heap().counters().pinOps > 0, p.name());
            }
        }
    }
}
