package dev.gclab.gc.plan.rc;

import dev.gclab.gc.finalize.Finalization;
import dev.gclab.gc.spi.CollectionOutcome;
import dev.gclab.gc.spi.CollectorOptions;
import dev.gclab.gc.spi.CollectorRegistry;
import dev.gclab.gc.spi.GcCause;
import dev.gclab.heap.Heap;
import dev.gclab.heap.HeapConfig;
import dev.gclab.heap.Mutator;
import dev.gclab.heap.object.LayoutRegistry;
import dev.gclab.heap.object.TrackingRule;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * rc behaves as CPython 3.11's {@code gc} module does where a program can observe it: what a
 * collection returns and records, when automatic collections run, the count-death path under
 * finalizers that allocate or collect, and the tracking rules. Each test names the rule
 * ({@code ../docs/finalization.md}, CPython's {@code Modules/gcmodule.c}) it holds rc to. The rules
 * 3.14 keeps run in both of the detector's modes ({@link #modes()}); those of 3.11's schedule in its
 * mode only.
 */
class RcFidelityTest {
    private Heap heap;
    private RcCollector rc;
    private Mutator m;
    private Finalization fin;
    private int node;
    private final List<String> events = new ArrayList<>();

    private Map<String, String> mode = Map.of();

    /** The detector's modes, by their options: CPython 3.11's generations, CPython 3.14's incremental collection. */
    static java.util.stream.Stream<Map<String, String>> modes() { return RcCollectorTest.modes(); }

    private void start(Map<String, String> extra) {
        heap = new Heap(HeapConfig.of(16L << 20));
        Map<String, String> options = new java.util.HashMap<>(mode);
        options.putAll(extra);
        rc = (RcCollector) CollectorRegistry.byName("rc").create(heap, new CollectorOptions(2.0, 4 << 20, true, options));
        m = new Mutator(heap, rc);
        fin = rc.finalization();
        fin.setUnraisableHook((where, e) -> events.add("unraisable: " + e));
        node = heap.layouts().fixed("Node", "rr");
    }

    @AfterEach
    void close() { if (heap != null) heap.close(); }

    /** a <-> b, built in a frame that the caller pops; returns {a, b}. */
    private long[] cycle() {
        m.pushFrame(2);
        long a = m.allocate(node);
        m.setLocal(0, a);
        long b = m.allocate(node);
        m.setLocal(1, b);
        m.setRef(a, 0, b);
        m.setRef(b, 0, a);
        return new long[] {m.local(0), m.local(1)};
    }

    // ---- §1.3 step 10: what a collection returns excludes what finalizers resurrected

    @ParameterizedTest
    @MethodSource("modes")
    void aCollectionThatResurrectsItsWholeGarbageReturnsZero(Map<String, String> mode) {
        this.mode = mode;
        start(Map.of());
        int saved = m.global("saved");
        long[] ab = cycle();
        fin.registerFinalizer(ab[0], x -> m.setGlobal(saved, x)); // resurrects a, and b through it
        m.popFrame();
        List<long[]> stops = new ArrayList<>();
        rc.addCallback((phase, g, collected, uncollectable) -> { if (phase.equals("stop")) stops.add(new long[] {g, collected, uncollectable}); });
        assertEquals(0, rc.collectGeneration(2, GcCause.EXPLICIT), "nothing was collected: both were resurrected");
        assertArrayEquals(new long[] {2, 0, 0}, stops.getFirst());
        assertEquals(0, rc.collectorCounters().get("gen2_collected"));
        assertEquals(new CollectionOutcome(2, 2, 0, 0), rc.lastCollection(), "2 found unreachable, 0 collected");
        assertTrue(heap.isObject(ab[0]) && heap.isObject(ab[1]));
    }

    // ---- §1.3 step 7: a queued weak reference freed when the collector drops it is collected

    @ParameterizedTest
    @MethodSource("modes")
    void aWeakReferenceFreedWhenItsCallbackIsDoneCountsAsCollected(Map<String, String> mode) {
        this.mode = mode;
        start(Map.of());
        int gw = m.global("w");
        long[] ab = cycle();
        long w = fin.newWeakRef(m, ab[0], wr -> { events.add("CB"); m.setGlobal(gw, 0); }); // the callback drops the only reference
        m.setGlobal(gw, w);
        m.popFrame();
        assertEquals(3, rc.collectGeneration(2, GcCause.EXPLICIT), "a, b and the weak reference");
        assertEquals(List.of("CB"), events);
        assertFalse(heap.isObject(w));
        assertEquals(0, heap.objectCount());
    }

    // ---- §1.3 step 11: collected and uncollectable apart

    @ParameterizedTest
    @MethodSource("modes")
    void legacyFinalizersAreReportedAsUncollectableApartFromTheCollected(Map<String, String> mode) {
        this.mode = mode;
        start(Map.of());
        long[] ab = cycle();
        long tail = m.allocate(node);
        m.setRef(ab[1], 1, tail);
        fin.registerLegacyFinalizer(ab[0], x -> events.add("never"));
        m.popFrame();
        m.pushFrame(2); // a second, ordinary garbage cycle
        long c = m.allocate(node);
        m.setLocal(0, c);
        long d = m.allocate(node);
        m.setLocal(1, d);
        m.setRef(c, 0, d);
        m.setRef(d, 0, c);
        m.popFrame();
        List<String> stops = new ArrayList<>();
        rc.addCallback((phase, g, collected, uncollectable) -> stops.add(phase + " " + collected + " " + uncollectable));
        assertEquals(5, rc.collectGeneration(2, GcCause.EXPLICIT), "n + m: 3 uncollectable, 2 collected");
        assertEquals(List.of("start 0 0", "stop 2 3"), stops);
        assertEquals(3, rc.collectorCounters().get("gen2_uncollectable"));
        assertEquals(2, rc.collectorCounters().get("gen2_collected"));
        assertEquals(3, rc.collectorCounters().get("uncollectable"), "one figure for uncollectable objects, not two");
        assertEquals(List.of(ab[0]), fin.garbage());
        assertArrayEquals(new long[] {1, 2, 3}, rc.generationStats()[2]);
    }

    // ---- §1.7: the allocation that crosses the threshold collects; eval_breaker waits for the next one

    @ParameterizedTest
    @MethodSource("modes")
    void theEvalBreakerTriggerRunsTheCollectionAtTheNextAllocation(Map<String, String> mode) {
        this.mode = mode;
        start(Map.of("thresholds", "10,10,10", "trigger", "eval_breaker"));
        for (int i = 0; i < 11; i++) m.allocate(node); // count[0] = 11 > 10
        assertEquals(0, rc.stats().cycles(), "3.12+: scheduled, not run");
        m.allocate(node);
        assertEquals(1, rc.stats().cycles());
        assertThrows(IllegalArgumentException.class, () -> CollectorRegistry.byName("rc").create(heap,
            new CollectorOptions(2.0, 4 << 20, false, Map.of("trigger", "later"))));
    }

    @Test
    void badThresholdsNameTheCollectorAndTheIndex() {
        start(Map.of());
        var e = assertThrows(IllegalArgumentException.class, () -> CollectorRegistry.byName("rc").create(heap,
            new CollectorOptions(2.0, 4 << 20, false, Map.of("thresholds", "700,-5,1"))));
        assertTrue(e.getMessage().startsWith("rc: threshold 1 "), e.getMessage());
        assertTrue(e.getMessage().contains("-5"), e.getMessage());
    }

    // ---- count deaths during which finalizers allocate past the threshold or collect (double frees)

    // ---- CountDeaths' documented order: a dying object's children die slot 0's subtree first
    // (gclab's rule, not a CPython one: CPython's list_dealloc drops the last item first)

    /** A node and an array holding two finalizable objects each: dropping them finalizes slot 0's object, then slot 1's. */
    @Test
    void childrenOfADyingObjectDieFirstSlotFirst() {
        start(Map.of());
        m.pushFrame(2);
        long parent = m.allocate(node);
        m.setLocal(0, parent);
        long array = m.allocateArray(LayoutRegistry.REF_ARRAY, 2);
        m.setLocal(1, array);
        String[] names = {"node slot 0", "node slot 1", "array slot 0", "array slot 1"};
        for (int i = 0; i < 4; i++) {
            long child = m.allocate(node);
            String name = names[i];
            fin.registerFinalizer(child, o -> events.add(name));
            if (i < 2) m.setRef(parent, i, child);
            else m.setRef(array, i - 2, child);
        }
        m.popFrame();
        assertEquals(4, events.size(), "all four finalized: " + events);
        int n0 = events.indexOf("node slot 0"), n1 = events.indexOf("node slot 1");
        int a0 = events.indexOf("array slot 0"), a1 = events.indexOf("array slot 1");
        assertTrue(n0 < n1, "the node's slot 0 died before its slot 1: " + events);
        assertTrue(a0 < a1, "the array's slot 0 died before its slot 1: " + events);
    }

    @ParameterizedTest
    @MethodSource("modes")
    void aFinalizerThatAllocatesPastTheThresholdDuringACascadeFreesNothingTwice(Map<String, String> mode) {
        this.mode = mode;
        start(Map.of("thresholds", "1"));
        m.pushFrame(1);
        long r = m.allocate(node);
        m.setLocal(0, r);
        long x = m.allocate(node);
        m.setRef(r, 0, x);
        long s = m.allocate(node);
        m.setRef(r, 1, s); // s is still in the zero-count table
        fin.registerFinalizer(x, o -> { for (int i = 0; i < 4; i++) m.allocate(node); });
        m.popFrame(); // r dies: x and s die with it; x's finalizer runs the detector (inside its allocations)
        assertTrue(rc.stats().cycles() > 0, "the finalizer's allocations ran collections");
        assertFalse(heap.isObject(r) || heap.isObject(x) || heap.isObject(s));
        rc.collectGeneration(2, GcCause.EXPLICIT);
        assertEquals(0, heap.objectCount());
        assertEquals(List.of(), events);
    }

    @ParameterizedTest
    @MethodSource("modes")
    void aFinalizerThatCollectsDuringACascadeFreesNothingTwice(Map<String, String> mode) {
        this.mode = mode;
        start(Map.of());
        m.pushFrame(1);
        long r = m.allocate(node);
        m.setLocal(0, r);
        long x = m.allocate(node);
        m.setRef(r, 0, x);
        long s = m.allocate(node);
        m.setRef(r, 1, s);
        long[] returned = {-1};
        fin.registerFinalizer(x, o -> returned[0] = rc.collectGeneration(2, GcCause.EXPLICIT)); // gc.collect() in __del__
        m.popFrame();
        assertEquals(0, returned[0], "the cascade left nothing for the detector: x's neighbour s died by count");
        assertEquals(1, rc.stats().cycles(), "gc.collect() inside __del__ runs (CPython: it works)");
        assertEquals(0, heap.objectCount());
        assertEquals(List.of(), events);
    }

    // ---- a weak reference whose referent dies while it is being created

    @Test
    void aWeakReferenceWhoseReferentIsDroppedDuringItsCreationIsCleared() {
        start(Map.of("thresholds", "1"));
        int gx = m.global("x"), gy = m.global("y"), gw = m.global("w");
        long x = m.allocate(node);
        m.setGlobal(gx, x);
        long y = m.allocate(node);
        m.setGlobal(gy, y);
        m.setRef(y, 0, y);
        fin.registerFinalizer(y, o -> m.setGlobal(gx, 0)); // y's finalizer drops x
        m.setGlobal(gy, 0); // y is cyclic garbage
        m.allocate(node); // count[0] = 1: the next allocation takes it over the threshold
        boolean[] called = {false};
        long cycles = rc.stats().cycles();
        long w = fin.newWeakRef(m, m.getGlobal(gx), wr -> called[0] = true); // its allocation runs the detector
        m.setGlobal(gw, w);
        assertEquals(cycles + 1, rc.stats().cycles(), "the weak reference's allocation ran a detection, whose F(y) dropped x");
        assertFalse(heap.isObject(x), "x died when newWeakRef let go of it");
        assertEquals(0, fin.weakRefGet(w), "so its weak reference was cleared");
        assertTrue(called[0], "and its callback ran");
    }

    // ---- §1.8 tracking rules

    @Test
    void tuplesAreUntrackedByACollectionThatFindsNoTrackableItem() {
        start(Map.of());
        int tuple = heap.layouts().refArray("tuple", TrackingRule.TUPLE);
        int bytes = LayoutRegistry.BYTE_ARRAY;
        int g = m.global("t");
        long t = m.allocateArray(tuple, 2);
        m.setGlobal(g, t);
        m.setRef(t, 0, m.allocateArray(bytes, 4)); // atomic items only
        long t2 = m.allocateArray(tuple, 1);
        m.setRef(t, 1, t2); // a tuple inside: tracked for now
        assertTrue(rc.isTracked(t), "tracked at creation");
        rc.collectGeneration(0, GcCause.EXPLICIT);
        assertFalse(rc.isTracked(t2), "its only slot is null: untracked");
        assertTrue(rc.isTracked(t), "t2 was still tracked when t was examined");
        rc.collectGeneration(1, GcCause.EXPLICIT);
        assertFalse(rc.isTracked(t), "nested tuples need several collections");
        long list = m.allocateArray(LayoutRegistry.REF_ARRAY, 1);
        m.setRef(t2, 0, list); // a list in an untracked tuple: CPython does not re-track it
        assertFalse(rc.isTracked(t2));
    }

    @ParameterizedTest
    @MethodSource("modes")
    void dictsAreTrackedWhenATrackableItemIsStoredAndUntrackedByFullCollections(Map<String, String> mode) {
        this.mode = mode;
        start(Map.of());
        int dict = heap.layouts().fixed("dict", "rrrr", TrackingRule.DICT);
        int g = m.global("d");
        long d = m.allocate(dict);
        m.setGlobal(g, d);
        assertFalse(rc.isTracked(d), "created untracked");
        m.setRef(d, 0, m.allocateArray(LayoutRegistry.BYTE_ARRAY, 3));
        assertFalse(rc.isTracked(d), "an atomic value does not track it");
        m.setRef(d, 1, m.allocate(node));
        assertTrue(rc.isTracked(d), "a container value does");
        m.setRef(d, 1, 0);
        rc.collectGeneration(1, GcCause.EXPLICIT);
        assertTrue(rc.isTracked(d), "only full collections untrack dicts");
        rc.collectGeneration(2, GcCause.EXPLICIT);
        assertFalse(rc.isTracked(d), "no trackable item left");
        // an untracked dict in a cycle would never be found: storing the cycle's other member tracks it
        long a = m.allocate(node);
        m.setRef(d, 2, a);
        m.setRef(a, 0, d);
        assertTrue(rc.isTracked(d));
        m.setGlobal(g, 0);
        assertEquals(2, rc.collectGeneration(2, GcCause.EXPLICIT), "the dict and its member are cyclic garbage");
        assertEquals(0, heap.objectCount());
    }

    // ---- §1.6 DEBUG_SAVEALL

    @ParameterizedTest
    @MethodSource("modes")
    void saveAllKeepsTheGarbageInGcGarbageWithItsReferencesIntact(Map<String, String> mode) {
        this.mode = mode;
        start(Map.of("debug", "saveall"));
        long[] ab = cycle();
        fin.registerFinalizer(ab[1], x -> events.add("F(b)"));
        m.popFrame();
        assertEquals(2, rc.collectGeneration(2, GcCause.EXPLICIT), "still counted as collected");
        assertEquals(List.of("F(b)"), events, "finalizers still run");
        assertEquals(List.of(ab[0], ab[1]), fin.garbage());
        assertEquals(ab[1], m.getRef(ab[0], 0), "references intact");
        fin.setSaveAll(false);
        rc.clearGarbage(); // del gc.garbage[:]
        rc.collectGeneration(2, GcCause.EXPLICIT);
        assertEquals(0, heap.objectCount());
    }
}
