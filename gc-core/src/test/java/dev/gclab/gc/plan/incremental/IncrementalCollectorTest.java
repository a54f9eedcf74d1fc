package dev.gclab.gc.plan.incremental;

import dev.gclab.gc.spi.CollectorOptions;
import dev.gclab.gc.spi.CollectorRegistry;
import dev.gclab.gc.spi.GcCause;
import dev.gclab.gc.stats.PauseKind;
import dev.gclab.gc.stats.Timeline;
import dev.gclab.gc.verify.HeapVerificationException;
import dev.gclab.heap.Heap;
import dev.gclab.heap.HeapConfig;
import dev.gclab.heap.MarkBits;
import dev.gclab.heap.Mutator;
import dev.gclab.heap.object.LayoutRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The incremental collector on its own: cycles paced by allocation, steps bounded by their budgets,
 * allocation black, termination (IU's root rescans), explicit collections that are complete, lazy
 * sweeping in steps, options; and each barrier broken on purpose to show that {@code --verify} finds
 * the broken invariant.
 */
class IncrementalCollectorTest {
    private Heap heap;
    private IncrementalCollector gc;
    private Mutator m;
    private int node;

    private void start(String barrier, long minTrigger, Map<String, String> more) {
        start(barrier, minTrigger, more, MarkBits.SIDE, true);
    }

    private void start(String barrier, long minTrigger, Map<String, String> more, MarkBits markBits, boolean verify) {
        heap = new Heap(HeapConfig.of(64L << 20).withMarkBits(markBits));
        Map<String, String> options = new HashMap<>(more);
        options.put("barrier", barrier);
        gc = (IncrementalCollector) CollectorRegistry.byName("incremental")
            .create(heap, new CollectorOptions(2.0, minTrigger, verify, options));
        m = new Mutator(heap, gc);
        node = heap.layouts().fixed("Node", "rrd");
    }

    @AfterEach
    void close() { if (heap != null) heap.close(); }

    private long counter(String name) { return gc.collectorCounters().get(name); }

    /** A linked list of {@code n} nodes in global {@code g}, each numbered in its data word. */
    private void list(int g, int n) {
        for (int i = 0; i < n; i++) {
            long x = m.allocate(node);
            m.setLong(x, 0, i);
            m.setRef(x, 0, m.getGlobal(g));
            m.setGlobal(g, x);
        }
    }

    private void checkList(int g, int n) {
        long x = m.getGlobal(g);
        for (int i = n - 1; i >= 0; i--) {
            assertNotEquals(0, x, "the list ends early at " + i);
            assertEquals(i, m.getLong(x, 0));
            x = m.getRef(x, 0);
        }
        assertEquals(0, x);
    }

    @ParameterizedTest
    @CsvSource({"satb,SIDE", "iu,SIDE", "satb,HEADER", "iu,HEADER"})
    void allocationDrivesCyclesOfBoundedStepsAndLiveDataSurvives(String barrier, MarkBits markBits) {
        // a low assist floor: many cycles in a short program (the floor's pacing is PacerTest's)
        start(barrier, 256 << 10, Map.of("step_budget", "500", "sweep_budget", "8", "assist_floor", "8"), markBits, true);
        int live = m.global("live");
        list(live, 20_000);
        m.pushFrame(1);
        for (int i = 0; i < 300_000; i++) { // garbage churn, with stores into the live list while it is marked
            long g = m.allocate(node);
            m.setLocal(0, g);
            if (i % 1000 == 0) m.setRef(m.getGlobal(live), 1, g);
        }
        m.popFrame();
        checkList(live, 20_000);
        assertTrue(counter("incremental_cycles") >= 3, "cycles: " + gc.collectorCounters());
        assertEquals(0, counter("full_collections"), "the pacer kept the heap from filling");
        assertTrue(counter("mark_steps") > 3 * counter("incremental_cycles"), "marking took several steps per cycle: " + gc.collectorCounters());
        assertTrue(counter("mark_work_max") <= 500, "no step scanned more than its budget: " + counter("mark_work_max"));
        assertTrue(counter("sweep_steps") > 0, "sweeping took steps: " + gc.collectorCounters());
        assertTrue(counter("spans_swept_by_steps") <= 8 * counter("sweep_steps"), "no sweep step swept more than its budget");
        assertTrue(counter("pacer_assists") > 0);
        Timeline t = gc.stats().timeline();
        assertEquals(t.size(), gc.stats().pauseCount());
        for (int i = 0; i < t.size(); i++) assertEquals(PauseKind.STEP, t.kind(i), "every pause is a step");
        if (barrier.equals("iu")) assertTrue(counter("root_rescans") >= counter("incremental_cycles"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"satb", "iu"})
    void objectsAllocatedDuringMarkingAreBlackAndAStoredOnlyInARootSurvives(String barrier) {
        start(barrier, 1L << 30, Map.of());
        int keep = m.global("keep");
        list(keep, 1_000);
        assertFalse(gc.incrementalStep(10), "the initial pause greys the roots");
        assertTrue(gc.isMarking());
        m.pushFrame(1);
        long fresh = m.allocate(node); // black
        m.setLocal(0, fresh);
        // move the tail of the list into the root only, cut it from the list: IU finds it by the rescan
        long second = m.getRef(m.getGlobal(keep), 0);
        int g2 = m.global("tail");
        m.setGlobal(g2, m.getRef(second, 0));
        m.setRef(second, 0, 0);
        boolean done = false;
        for (int i = 0; i < 1000 && !done; i++) done = gc.incrementalStep(50);
        assertTrue(done, "a step completed the cycle");
        assertTrue(gc.isSweeping());
        while (gc.isSweeping()) gc.incrementalStep(4);
        assertTrue(heap.isObject(fresh), "allocated during marking: black, it survived");
        assertEquals(1_000, heap.objectCount() - 1, "the list (in two parts) and the new node");
        m.popFrame();
    }

    @ParameterizedTest
    @ValueSource(strings = {"satb", "iu"})
    void anExplicitCollectionDuringMarkingIsCompleteAndExact(String barrier) {
        start(barrier, 1L << 30, Map.of());
        int keep = m.global("keep");
        list(keep, 500);
        gc.incrementalStep(1); // initial pause
        gc.incrementalStep(10);
        assertTrue(gc.isMarking());
        m.setRef(m.getGlobal(keep), 0, 0); // 499 nodes become garbage while marked grey/white
        gc.collect(GcCause.EXPLICIT);
        assertFalse(gc.isMarking() || gc.isSweeping(), "nothing left in progress");
        assertEquals(1, heap.objectCount(), "no floating garbage after a full collection");
        assertEquals(1, counter("aborted_cycles"));
        assertEquals(1, counter("full_collections"));
        assertEquals(PauseKind.MAJOR, gc.stats().timeline().kind(gc.stats().timeline().size() - 1));
    }

    @Test
    void sweepingHappensInBoundedStepsAndByTheAllocator() {
        start("satb", 1L << 30, Map.of("sweep_budget", "3"));
        int keep = m.global("keep");
        list(keep, 2_000);
        m.pushFrame(1);
        for (int i = 0; i < 50_000; i++) m.setLocal(0, m.allocate(node)); // garbage in many spans
        m.popFrame();
        int spans = heap.spanCount();
        while (!gc.incrementalStep(100_000)) { }
        assertTrue(gc.isSweeping());
        assertEquals(spans, heap.space(0).unsweptSpans(), "the final pause swept nothing");
        gc.incrementalStep(3);
        assertEquals(spans - 3, heap.space(0).unsweptSpans(), "a step sweeps its budget of spans");
        long x = m.allocate(node);
        assertFalse(heap.isUnswept(heap.spanOf(x)), "the allocator swept the span it took a slot from");
        while (gc.isSweeping()) gc.incrementalStep(3);
        assertEquals(2_001, heap.objectCount());
        checkList(keep, 2_000);
    }

    /**
     * IU: a withFinalizer whose cleanup is called early (its weak reference let go) while a cycle marks:
     * the weak reference was greyed with the roots and floats; its referent dies in the same cycle.
     * The callback must not run (nor be counted): the cleanup is gone. (pycycles found this.)
     */
    @Test
    void aFloatingWeakReferenceOfACleanupCalledEarlyRunsNoCallback() {
        start("iu", 1L << 30, Map.of());
        int gh = m.global("holder");
        m.setGlobal(gh, m.allocate(node));
        m.setRef(m.getGlobal(gh), 0, m.allocate(node)); // r, reachable only through the holder
        int[] runs = {0};
        var f = gc.finalization().withFinalizer(m, m.getRef(m.getGlobal(gh), 0), () -> runs[0]++);
        gc.incrementalStep(1); // initial pause: the holder and the cleanup's weak reference (a handle) grey; r white
        m.setRef(m.getGlobal(gh), 0, 0); // r dies before the holder is scanned (IU: no barrier on a deletion)
        f.call(); // the cleanup runs early; its weak reference is let go, but it is marked: it floats
        assertEquals(1, runs[0]);
        while (!gc.incrementalStep(100)) { }
        assertEquals(1, runs[0]);
        assertEquals(0, counter("weakref_callbacks_run"), "no callback for the floating weak reference of a finished cleanup");
        assertEquals(1, counter("cleanups_run"));
    }

    // ------------------------------------------------------------------ barriers broken on purpose

    /**
     * SATB: b is reachable only through a.0 when the cycle begins; the mutator moves it into a new
     * (black) object held by a root and deletes a.0. With the barrier, deleting a.0 greys b; without
     * it, b is white and no grey object reaches it: the next step's check must say so.
     */
    @Test
    void aBrokenSnapshotBarrierIsCaughtByTheNextStep() {
        assertSatbScenario(false);
        close();
        HeapVerificationException e = assertThrows(HeapVerificationException.class, () -> assertSatbScenario(true));
        assertTrue(e.getMessage().contains("snapshot lost it"), e.getMessage());
    }

    private void assertSatbScenario(boolean broken) {
        start("satb", 1L << 30, Map.of());
        int ga = m.global("a");
        m.setGlobal(ga, m.allocate(node));
        m.setRef(m.getGlobal(ga), 0, m.allocate(node)); // b
        gc.incrementalStep(1); // initial pause: a grey, b white
        gc.barrier.broken = broken;
        m.pushFrame(1);
        long c = m.allocate(node); // black
        m.setLocal(0, c);
        long b = m.getRef(m.getGlobal(ga), 0);
        m.setRef(c, 0, b);
        m.setRef(m.getGlobal(ga), 0, 0); // the snapshot's only path to b goes
        while (!gc.incrementalStep(10)) { }
        while (gc.isSweeping()) gc.incrementalStep(100);
        assertTrue(heap.isObject(b), "b survived");
    }

    /**
     * IU: a is black (scanned) and x is white, reachable through b (grey); the mutator stores x into a.
     * With the barrier the store greys x; without it a→x is a black-to-white edge, which the next
     * step's check reports.
     */
    @Test
    void aBrokenIncrementalUpdateBarrierIsCaughtByTheNextStep() {
        assertIuScenario(false);
        close();
        HeapVerificationException e = assertThrows(HeapVerificationException.class, () -> assertIuScenario(true));
        assertTrue(e.getMessage().contains("black-to-white edge"), e.getMessage());
    }

    private void assertIuScenario(boolean broken) {
        start("iu", 1L << 30, Map.of());
        int gb = m.global("b"), ga = m.global("a"); // roots are greyed in this order: a is scanned first
        m.setGlobal(gb, m.allocate(node));
        m.setRef(m.getGlobal(gb), 0, m.allocate(node)); // x
        m.setGlobal(ga, m.allocate(node));
        gc.incrementalStep(1); // initial pause: b and a grey, x white
        gc.incrementalStep(1); // a scanned: black
        long a = m.getGlobal(ga), x = m.getRef(m.getGlobal(gb), 0);
        assertTrue(gc.trace.marks.isMarked(a) && !gc.trace.marks.isMarked(x), "a black, x white");
        gc.barrier.broken = broken;
        m.setRef(a, 0, x);
        while (!gc.incrementalStep(1)) { }
        while (gc.isSweeping()) gc.incrementalStep(100);
        assertTrue(heap.isObject(x));
    }

    /**
     * SATB's weak-load barrier: w is a weak reference to r, which nothing else reaches when the cycle
     * begins (r is not in the snapshot). The mutator reads r through w and stores it into a new (black)
     * object held by a root. With the barrier the read greys r; without it r is white at the end of
     * marking though reachable, which the end-of-marking check reports (the sweep would free it).
     */
    @Test
    void aBrokenWeakLoadBarrierIsCaughtAtTheEndOfMarking() {
        assertWeakLoadScenario(false);
        close();
        HeapVerificationException e = assertThrows(HeapVerificationException.class, () -> assertWeakLoadScenario(true));
        assertTrue(e.getMessage().contains("reachable but not marked"), e.getMessage());
    }

    private void assertWeakLoadScenario(boolean broken) {
        start("satb", 1L << 30, Map.of());
        int gw = m.global("w");
        m.pushFrame(1);
        m.setLocal(0, m.allocate(node)); // r
        m.setGlobal(gw, gc.finalization().newWeakRef(m, m.local(0), null));
        m.popFrame(); // r is only weakly reachable now
        gc.incrementalStep(1); // initial pause
        gc.barrier.broken = broken;
        m.pushFrame(1);
        m.setLocal(0, m.allocate(node)); // black
        long r = gc.finalization().weakRefGet(m.getGlobal(gw));
        assertNotEquals(0, r);
        m.setRef(m.local(0), 0, r);
        while (!gc.incrementalStep(10)) { }
        assertEquals(r, gc.finalization().weakRefGet(m.getGlobal(gw)), "the weak reference still answers r");
        while (gc.isSweeping()) gc.incrementalStep(100);
        assertTrue(heap.isObject(r));
        m.popFrame();
    }

    // ------------------------------------------------------------------ options

    @Test
    void badOptionsNameTheCollectorTheOptionAndTheValidValues() {
        heap = new Heap(HeapConfig.of(16L << 20));
        var p = CollectorRegistry.byName("incremental");
        for (String[] bad : new String[][] {{"barrier", "brooks"}, {"goal", "1.0"}, {"goal", "x"}, {"trigger_ratio", "1"}, {"step_budget", "0"}, {"sweep_budget", "-3"}, {"budget", "5"}}) {
            var e = assertThrows(IllegalArgumentException.class, () -> p.create(heap, new CollectorOptions(2, 1 << 20, false, Map.of(bad[0], bad[1]))));
            assertTrue(e.getMessage().startsWith("incremental: "), e.getMessage());
            assertTrue(e.getMessage().contains(bad[0]), e.getMessage());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> p.create(heap, new CollectorOptions(2, 1 << 20, false, Map.of("barrier", "brooks"))));
        assertTrue(e.getMessage().contains("'satb'") && e.getMessage().contains("'iu'"), e.getMessage());
        assertEquals(dev.gclab.gc.spi.BarrierKind.INCREMENTAL_UPDATE,
            p.create(heap, new CollectorOptions(2, 1 << 20, false, Map.of("barrier", "iu"))).constraints().barrier());
        assertEquals(dev.gclab.gc.spi.BarrierKind.SATB, p.create(heap, CollectorOptions.defaults()).constraints().barrier());
    }
}
