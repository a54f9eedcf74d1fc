package dev.gclab.gc.plan.rc;

import dev.gclab.gc.spi.CollectorOptions;
import dev.gclab.gc.spi.CollectorRegistry;
import dev.gclab.gc.spi.GcCause;
import dev.gclab.gc.stats.PauseKind;
import dev.gclab.heap.Heap;
import dev.gclab.heap.HeapConfig;
import dev.gclab.heap.Mutator;
import dev.gclab.heap.object.LayoutRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * rc in CPython 3.14's incremental mode ({@code -o incremental=true}, {@link Increments}): the gc-module
 * surface 3.14 shows (thresholds, counts, the generation numbers of collections), the increment
 * schedule (marking at the start of a scavenge, young plus a share of the pending space, scavenges
 * that visit the whole old generation, garbage cycles never split) and its known cost: garbage that
 * forms in the visited space waits for the next scavenge.
 */
class RcIncrementalTest {
    private Heap heap;
    private RcCollector rc;
    private Mutator m;
    private int node;
    private final List<String> events = new ArrayList<>();

    private void start(Map<String, String> extra) {
        heap = new Heap(HeapConfig.of(64L << 20));
        Map<String, String> options = new HashMap<>(extra);
        options.put("incremental", "true");
        rc = (RcCollector) CollectorRegistry.byName("rc").create(heap, new CollectorOptions(2.0, 4 << 20, true, options));
        m = new Mutator(heap, rc);
        node = heap.layouts().fixed("Node", "rr");
        rc.addCallback((phase, g, collected, uncollectable) -> events.add(phase + g + (phase.equals("stop") ? ":" + collected : "")));
    }

    @AfterEach
    void close() { if (heap != null) heap.close(); }

    /** A garbage 2-cycle (a <-> b) built in a frame and dropped. */
    private void garbageCycle() {
        m.pushFrame(1);
        long a = m.allocate(node);
        m.setLocal(0, a);
        long b = m.allocate(node);
        m.setRef(a, 0, b);
        m.setRef(b, 0, a);
        m.popFrame();
    }

    /** A list of {@code n} nodes in global {@code name}. */
    private int list(String name, int n) {
        int g = m.global(name);
        for (int i = 0; i < n; i++) {
            long x = m.allocate(node);
            m.setRef(x, 0, m.getGlobal(g));
            m.setGlobal(g, x);
        }
        return g;
    }

    @Test
    void thresholdsCountsAndTheScheduledIncrementFollow314() {
        start(Map.of());
        assertArrayEquals(new int[] {2000, 10, 0}, rc.thresholds());
        assertTrue(rc.isIncremental());
        assertTrue(rc.constraints().incremental());
        int keep = m.global("keep");
        m.setGlobal(keep, m.allocateArray(LayoutRegistry.REF_ARRAY, 1));
        for (int i = 0; i < 2000; i++) m.allocate(node); // count[0] = 2001 > 2000: scheduled
        assertEquals(0, rc.stats().cycles(), "3.14 schedules the collection for the next eval-breaker check");
        m.allocate(node);
        assertEquals(1, rc.stats().cycles());
        assertEquals(List.of("start1", "stop1:0"), events, "an automatic collection is an increment (generation 1); the first one only marks");
        assertEquals(1, rc.generationStats()[1][0]);
        assertEquals(PauseKind.STEP, rc.stats().timeline().kind(0));
        long[] c = rc.generationCounts();
        assertEquals(0, c[1]);
        assertEquals(0, c[2]);
        assertEquals(2, rc.generationOf(m.getGlobal(keep)), "marking moved the reachable list to the old generation");
    }

    @Test
    void theYoungCollectionMovesSurvivorsToTheVisitedSpaceAndCountsThem() {
        start(Map.of("thresholds", "0"));
        int g = list("l", 3);
        rc.collectGeneration(0, GcCause.EXPLICIT);
        assertEquals(2, rc.generationOf(m.getGlobal(g)));
        assertArrayEquals(new long[] {0, 1, 0}, rc.generationCounts());
        rc.collectGeneration(0, GcCause.EXPLICIT);
        assertArrayEquals(new long[] {0, 2, 0}, rc.generationCounts());
        rc.collectGeneration(2, GcCause.EXPLICIT);
        assertArrayEquals(new long[] {0, 0, 0}, rc.generationCounts(), "a full collection zeroes the counts");
        assertEquals(List.of("start0", "stop0:0", "start0", "stop0:0", "start2", "stop2:0"), events);
    }

    @Test
    void aGarbageCycleInTheVisitedSpaceWaitsForTheNextScavenge() {
        start(Map.of("thresholds", "0"));
        list("live", 2_000); // an old generation worth scanning
        int g = m.global("c");
        m.pushFrame(1);
        long a = m.allocate(node);
        m.setLocal(0, a);
        m.setRef(a, 0, m.allocate(node));
        m.setRef(m.getRef(a, 0), 0, a);
        m.setGlobal(g, a);
        m.popFrame();
        rc.collectGeneration(1, GcCause.EXPLICIT); // a scavenge begins: marking moves everything reachable to the visited space
        assertEquals(2, rc.generationOf(a));
        m.setGlobal(g, 0); // a and its partner: garbage, in the visited space
        garbageCycle(); // young garbage: the next increment finds it
        events.clear();
        rc.collectGeneration(1, GcCause.EXPLICIT);
        assertEquals(List.of("start1", "stop1:2"), events, "the young cycle, not the visited one");
        assertTrue(heap.isObject(a));
        assertEquals(1, rc.collectorCounters().get("scavenges"), "nothing was pending: the scavenge completed");
        int steps = 0;
        while (heap.isObject(a)) {
            rc.incrementalStep(0);
            assertTrue(++steps < 1000, "the next scavenge finds it");
        }
        assertEquals(2, rc.collectorCounters().get("scavenges"), "found by the increment that ended the next scavenge (it was last in the pending space)");
        assertTrue(steps > 1, "not by the marking increment: " + steps);
        assertEquals(2_000, heap.objectCount());
    }

    @Test
    void incrementsVisitTheWholeOldGenerationOverSeveralCollectionsAndNeverSplitACycle() {
        start(Map.of("thresholds", "0"));
        // x, 2,000 objects held only by handles (not roots for marking: they stay pending), then y
        int gx = m.global("x"), gy = m.global("y");
        m.setGlobal(gx, m.allocate(node));
        for (int i = 0; i < 2_000; i++) m.newHandle(m.allocate(node));
        m.setGlobal(gy, m.allocate(node));
        long x = m.getGlobal(gx), y = m.getGlobal(gy);
        m.setRef(x, 0, y);
        m.setRef(y, 0, x);
        rc.collectGeneration(2, GcCause.EXPLICIT); // all old; the scavenge completes: all pending, x first and y last
        m.setGlobal(gx, 0);
        m.setGlobal(gy, 0); // the cycle is garbage, its members at both ends of the pending space
        int increments = 0;
        long scavenges = rc.collectorCounters().get("scavenges");
        while (rc.collectorCounters().get("scavenges") == scavenges) {
            rc.incrementalStep(0);
            increments++;
            assertEquals(heap.isObject(x), heap.isObject(y), "a garbage cycle is collected whole, in one increment");
            assertTrue(increments < 1000);
        }
        assertTrue(increments > 3, "the old generation took several increments: " + increments);
        assertFalse(heap.isObject(x), "the increment that took x took y with it");
        assertEquals(2_000, heap.objectCount());
    }

    @Test
    void freezeMovesEverythingToThePermanentGenerationAndUnfreezeToTheVisitedSpace() {
        start(Map.of("thresholds", "0"));
        garbageCycle();
        rc.freeze();
        assertArrayEquals(new long[] {0, 0, 0}, rc.generationCounts());
        assertEquals(2, rc.freezeCount());
        assertEquals(0, rc.collectGeneration(2, GcCause.EXPLICIT), "frozen garbage is never found");
        rc.unfreeze();
        assertEquals(0, rc.freezeCount());
        assertEquals(2, rc.collectGeneration(2, GcCause.EXPLICIT));
    }
}
