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
        int grow = m.global("grow");
        for (int i = 0; i < 2000; i++) addTo(grow); // young count 2001 > 2000: scheduled
        assertEquals(0, rc.stats().cycles(), "3.14 schedules the collection for the next eval-breaker check");
        addTo(grow);
        assertEquals(1, rc.stats().cycles());
        assertEquals(List.of("start1", "stop1:0"), events, "an automatic collection is an increment (generation 1)");
        assertEquals(0, rc.generationOf(m.getGlobal(keep)), "its work budget started at -5000: it did nothing");
        assertEquals(PauseKind.STEP, rc.stats().timeline().kind(0));
        int allocations = 0;
        while (rc.generationOf(m.getGlobal(keep)) == 0) {
            addTo(grow);
            assertTrue(++allocations < 20_000, "the new objects earn the work of a marking increment");
        }
        assertEquals(2, rc.generationOf(m.getGlobal(keep)), "marking moved the reachable objects to the old generation");
        for (String e : events) assertTrue(e.endsWith("1") || e.contains("1:"), "only increments ran: " + events);
        assertArrayEquals(new long[] {rc.generationCounts()[0], 0, 0}, rc.generationCounts());
    }

    /** A new node at the head of the list in global {@code g} (it stays reachable). */
    private void addTo(int g) {
        long x = m.allocate(node);
        m.setRef(x, 0, m.getGlobal(g));
        m.setGlobal(g, x);
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

    private int grown;

    /** Allocates {@code n} reachable young objects: the new objects that earn an increment its work. */
    private void earn(int g, int n) {
        for (int i = 0; i < n; i++) addTo(g);
        grown += n;
    }

    private long scavenges() { return rc.collectorCounters().get("scavenges"); }

    /** A weak reference to {@code obj} in a new global: alive() follows {@code obj}, whatever reuses its address after it dies. */
    private int watch(long obj) {
        int g = m.global("watch" + obj);
        m.setGlobal(g, rc.finalization().newWeakRef(m, obj, null));
        return g;
    }

    private boolean alive(int watch) { return rc.finalization().weakRefGet(m.getGlobal(watch)) != 0; }

    @Test
    void aGarbageCycleInTheVisitedSpaceWaitsForTheNextScavenge() {
        start(Map.of("thresholds", "0"));
        list("live", 2_000); // an old generation worth scanning
        int g = m.global("c"), grow = m.global("grow");
        m.pushFrame(1);
        long a = m.allocate(node);
        m.setLocal(0, a);
        long b = m.allocate(node);
        m.setRef(a, 0, b);
        m.setRef(b, 0, a);
        m.setGlobal(g, a);
        m.popFrame();
        int wa = watch(a), wb = watch(b);
        while (rc.generationOf(a) != 2) { // until a scavenge's marking moves the reachable cycle to the visited space
            earn(grow, 1_000);
            rc.incrementalStep(0);
        }
        m.setGlobal(g, 0); // a and b: garbage, in the visited space
        long scavenge = scavenges();
        while (scavenges() == scavenge) {
            earn(grow, 1_000);
            rc.incrementalStep(0);
            if (scavenges() == scavenge) assertTrue(alive(wa) && alive(wb), "no increment of this scavenge examines the visited space");
        }
        int steps = 0;
        while (alive(wa)) {
            earn(grow, 1_000);
            rc.incrementalStep(0);
            assertTrue(++steps < 1000);
        }
        assertFalse(alive(wb));
        assertTrue(scavenges() <= scavenge + 2, "found by the next scavenge");
        assertEquals(2_000 + grown + 2, heap.objectCount(), "the live list, the new objects and the two weak references");
    }

    @Test
    void incrementsVisitTheWholeOldGenerationOverSeveralCollectionsAndNeverSplitACycle() {
        start(Map.of("thresholds", "0"));
        // x, 2,000 objects held only by handles (not roots for marking: they stay pending), then y
        int gx = m.global("x"), gy = m.global("y"), grow = m.global("grow");
        m.setGlobal(gx, m.allocate(node));
        for (int i = 0; i < 2_000; i++) m.newHandle(m.allocate(node));
        m.setGlobal(gy, m.allocate(node));
        long x = m.getGlobal(gx), y = m.getGlobal(gy);
        m.setRef(x, 0, y);
        m.setRef(y, 0, x);
        int wx = watch(x), wy = watch(y);
        rc.collectGeneration(2, GcCause.EXPLICIT); // all old; the scavenge completes: all pending, x first and y last
        m.setGlobal(gx, 0);
        m.setGlobal(gy, 0); // the cycle is garbage, its members at both ends of the pending space
        int increments = 0;
        long scavenges = scavenges();
        while (scavenges() == scavenges) {
            earn(grow, 200);
            rc.incrementalStep(0);
            increments++;
            assertEquals(alive(wx), alive(wy), "a garbage cycle is collected whole, in one increment");
            assertTrue(increments < 1000);
        }
        assertTrue(increments > 3, "the old generation took several increments: " + increments);
        assertFalse(alive(wx), "the increment that took x took y with it");
        assertEquals(2_000 + grown + 2, heap.objectCount(), "the handles' objects, the new objects and the two weak references");
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
