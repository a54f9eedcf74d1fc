package dev.gclab.gc.plan.rc;

import dev.gclab.gc.spi.CollectorOptions;
import dev.gclab.gc.spi.CollectorRegistry;
import dev.gclab.gc.spi.GcCause;
import dev.gclab.heap.Heap;
import dev.gclab.heap.HeapConfig;
import dev.gclab.heap.Mutator;
import dev.gclab.heap.object.LayoutRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * rc's own tests. Those about counts, death by count, cycles found by a full collection and the
 * gc-module surface both schedules share run in both of the detector's modes ({@link #modes()}: 3.11's
 * generations and 3.14's incremental collection); those about 3.11's generation schedule run in its
 * mode only (3.14's schedule has its own tests in {@code RcIncrementalTest}).
 */
class RcCollectorTest {
    private Heap heap;
    private RcCollector rc;
    private Mutator m;
    private int node;
    private Map<String, String> mode = Map.of();

    /** The detector's modes, by their options: CPython 3.11's generations, CPython 3.14's incremental collection. */
    static java.util.stream.Stream<Map<String, String>> modes() { return java.util.stream.Stream.of(Map.of(), Map.of("incremental", "true")); }

    private void start(long heapBytes, Map<String, String> extra) {
        heap = new Heap(HeapConfig.of(heapBytes));
        Map<String, String> options = new java.util.HashMap<>(mode);
        options.putAll(extra);
        rc = (RcCollector) CollectorRegistry.byName("rc").create(heap, new CollectorOptions(2.0, 4 << 20, true, options));
        m = new Mutator(heap, rc);
        node = heap.layouts().fixed("Node", "rr");
    }

    @AfterEach
    void close() { if (heap != null) heap.close(); }

    @ParameterizedTest
    @MethodSource("modes")
    void countsFollowSlotsRootsAndHandles(Map<String, String> mode) {
        this.mode = mode;
        start(16 << 20, Map.of());
        int g = m.global("g");
        long a = m.allocate(node);
        m.setGlobal(g, a);
        long b = m.allocate(node);
        m.setRef(a, 0, b);
        m.setRef(a, 1, b);
        assertEquals(1, rc.refCount(a));
        assertEquals(2, rc.refCount(b));
        int h = m.newHandle(b);
        assertEquals(3, rc.refCount(b));
        m.setRef(a, 0, 0);
        m.setRef(a, 1, 0);
        assertTrue(heap.isObject(b), "the handle keeps it");
        m.releaseHandle(h);
        assertFalse(heap.isObject(b), "freed at once when the last reference went");
        assertEquals(0, rc.stats().cycles(), "no collection was needed");
    }

    @ParameterizedTest
    @MethodSource("modes")
    void droppingATreeFreesItByCountDepthFirst(Map<String, String> mode) {
        this.mode = mode;
        start(64 << 20, Map.of("thresholds", "0")); // no cycle detection: death by count alone
        int g = m.global("tree");
        m.pushFrame(1);
        long root = build(10);
        m.setGlobal(g, root);
        m.popFrame();
        assertEquals(2047, heap.objectCount());
        m.setGlobal(g, 0);
        assertEquals(0, heap.objectCount());
        assertEquals(2047, heap.counters().objectsFreed);
        assertEquals(0, rc.stats().cycles());
    }

    /** Builds a complete binary tree bottom-up, keeping partial results in frame slots. */
    private long build(int depth) {
        if (depth == 0) return m.allocate(node);
        m.pushFrame(2);
        m.setLocal(0, build(depth - 1));
        m.setLocal(1, build(depth - 1));
        long n = m.allocate(node);
        m.setRef(n, 0, m.local(0));
        m.setRef(n, 1, m.local(1));
        m.popFrame();
        return n;
    }

    /** Iterative freeing: a ten-million-long chain dies without a stack overflow. */
    @Test
    void tenMillionChainDiesWithoutRecursion() {
        heap = new Heap(HeapConfig.of(1L << 30));
        rc = (RcCollector) CollectorRegistry.byName("rc").create(heap, CollectorOptions.defaults());
        m = new Mutator(heap, rc);
        int link = heap.layouts().fixed("Link", "r");
        int g = m.global("head");
        for (int i = 0; i < 10_000_000; i++) {
            long n = m.allocate(link);
            m.setRef(n, 0, m.getGlobal(g));
            m.setGlobal(g, n);
        }
        m.setGlobal(g, 0);
        assertEquals(0, heap.objectCount());
    }

    @ParameterizedTest
    @MethodSource("modes")
    void neverStoredObjectsAreFreedAtTheNextSafePoint(Map<String, String> mode) {
        this.mode = mode;
        start(16 << 20, Map.of());
        m.allocateArray(LayoutRegistry.BYTE_ARRAY, 100);
        m.allocate(node);
        assertEquals(2, heap.objectCount());
        rc.collect(GcCause.EXPLICIT);
        assertEquals(0, heap.objectCount());
    }

    @ParameterizedTest
    @CsvSource({"side,false", "header,false", "side,true", "header,true"})
    void garbageCyclesAreFoundByTheDetector(String counts, String incremental) {
        start(16 << 20, Map.of("counts", counts, "incremental", incremental));
        int g = m.global("keep");
        long kept = m.allocate(node);
        m.setGlobal(g, kept);
        for (int i = 0; i < 100; i++) {
            m.pushFrame(1);
            long a = m.allocate(node);
            m.setLocal(0, a);
            long b = m.allocate(node);
            m.setRef(a, 0, b);
            m.setRef(b, 0, a);
            m.popFrame();
        }
        assertEquals(201, heap.objectCount(), "cycles do not die by count");
        long found = rc.collectGeneration(2, GcCause.EXPLICIT);
        assertEquals(200, found);
        assertEquals(1, heap.objectCount());
        assertTrue(heap.isObject(kept));
        assertEquals(200, rc.collectorCounters().get("gen2_collected"));
    }

    @Test
    void survivorsArePromotedAndYoungCollectionsIgnoreOlderGenerations() {
        start(16 << 20, Map.of("thresholds", "0"));
        int g = m.global("keep");
        long a = m.allocate(node);
        m.setGlobal(g, a);
        assertEquals(0, rc.generationOf(a));
        rc.collectGeneration(0, GcCause.EXPLICIT);
        assertEquals(1, rc.generationOf(a));
        rc.collectGeneration(1, GcCause.EXPLICIT);
        assertEquals(2, rc.generationOf(a));
        // a cycle that became garbage in generation 2 is invisible to a young collection
        long b = m.allocate(node);
        m.setRef(a, 0, b);
        m.setRef(b, 0, a);
        rc.collectGeneration(1, GcCause.EXPLICIT);
        m.setGlobal(g, 0);
        assertEquals(0, rc.collectGeneration(0, GcCause.EXPLICIT));
        assertEquals(0, rc.collectGeneration(1, GcCause.EXPLICIT));
        assertEquals(2, rc.collectGeneration(2, GcCause.EXPLICIT));
        assertEquals(0, heap.objectCount());
        assertThrows(IllegalArgumentException.class, () -> rc.collectGeneration(3, GcCause.EXPLICIT));
    }

    @Test
    void thresholdsTriggerGenerationZeroAndCountsFollowCPython() {
        start(64 << 20, Map.of("thresholds", "700,10,10"));
        List<String> events = new ArrayList<>();
        rc.addCallback((phase, gen, collected, uncollectable) -> events.add(phase + gen));
        int g = m.global("keep");
        m.setGlobal(g, m.allocateArray(LayoutRegistry.REF_ARRAY, 1));
        for (int i = 0; i < 699; i++) m.allocate(node); // count[0] = 700: not over the threshold yet
        assertEquals(0, rc.stats().cycles());
        m.allocate(node); // count[0] = 701 > 700: CPython 3.11 collects inside this allocation
        assertEquals(1, rc.stats().cycles(), "the allocation that crosses the threshold runs the detector");
        assertEquals(List.of("start0", "stop0"), events);
        assertEquals(1, rc.generationCounts()[1], "collecting generation 0 counts one towards generation 1");
        assertEquals(0, rc.generationCounts()[0], "the allocation was counted before the collection, which reset the count");
        assertEquals(699, heap.counters().objectsFreed, "699 never-stored objects were garbage (zero-count table); not the new one");
        assertEquals(0, rc.collectorCounters().get("gen0_collected"), "none of them needed cycle detection");
    }

    @Test
    void fullCollectionWaitsForTheTwentyFivePercentRule() {
        start(64 << 20, Map.of("thresholds", "1,1,1"));
        int g = m.global("keep");
        long list = m.allocateArray(LayoutRegistry.REF_ARRAY, 4000);
        m.setGlobal(g, list);
        rc.collectGeneration(2, GcCause.EXPLICIT); // long-lived total = 1 (the list)
        for (int i = 0; i < 4000; i++) {
            m.setRef(list, i, m.allocate(node));
        }
        long full = rc.collectorCounters().get("gen2_collections");
        assertTrue(full > 1, "with 1 long-lived object, pending objects soon pass 25%: " + full);
        // now many long-lived objects: few new survivors do not reach 25% of them
        rc.collectGeneration(2, GcCause.EXPLICIT);
        long before = rc.collectorCounters().get("gen2_collections");
        for (int i = 0; i < 50; i++) m.setRef(list, i, m.allocate(node));
        assertEquals(before, rc.collectorCounters().get("gen2_collections"), "50 pending < 25% of 4001 long-lived");
        assertTrue(rc.collectorCounters().get("gen1_collections") > 0);
    }

    @ParameterizedTest
    @MethodSource("modes")
    void frozenObjectsAreIgnoredUntilUnfrozen(Map<String, String> mode) {
        this.mode = mode;
        start(16 << 20, Map.of("thresholds", "0"));
        m.pushFrame(1);
        long a = m.allocate(node);
        m.setLocal(0, a);
        long b = m.allocate(node);
        m.setRef(a, 0, b);
        m.setRef(b, 0, a);
        rc.freeze();
        assertEquals(2, rc.freezeCount());
        assertEquals(3, rc.generationOf(a));
        m.popFrame();
        assertEquals(0, rc.collectGeneration(2, GcCause.EXPLICIT), "frozen garbage is never found");
        assertEquals(2, heap.objectCount());
        rc.unfreeze();
        assertEquals(0, rc.freezeCount());
        assertEquals(2, rc.generationOf(a));
        assertEquals(2, rc.collectGeneration(2, GcCause.EXPLICIT));
    }

    @Test
    void headerCountsDirtyObjectPagesAndSideCountsDirtyTablePages() {
        long[] dirtied = new long[2];
        String[] modes = {"side", "header"};
        for (int i = 0; i < 2; i++) {
            start(64 << 20, Map.of("counts", modes[i], "thresholds", "0"));
            long arr = m.allocateArray(LayoutRegistry.REF_ARRAY, 100_000);
            m.setGlobal(m.global("a"), arr);
            for (int k = 0; k < 100_000; k++) m.setRef(arr, k, m.allocate(node));
            rc.resetDirtyPages();
            for (int k = 0; k < 100_000; k++) m.pushFrame(1);
            for (int k = 0; k < 100_000; k++) { m.setLocal(0, m.getRef(arr, k)); m.popFrame(); m.pushFrame(1); }
            dirtied[i] = rc.collectorCounters().get("pages_dirtied");
            heap.close();
            heap = null;
        }
        // 100,000 objects of 24 B: 2.4 MB of objects (586 pages); the table holds 4 bytes per 16-byte
        // granule, a quarter of the heap's size: 0.6 MB (147 pages)
        assertTrue(dirtied[0] >= 140 && dirtied[0] <= 152, "side " + dirtied[0]);
        assertTrue(dirtied[1] >= 580 && dirtied[1] <= 600, "header " + dirtied[1]);
    }

    /**
     * Regression: with the zero-count table full, a stale entry (an object that died by count) can
     * name the slot being reused by the allocation in progress; that object must not be freed.
     */
    @ParameterizedTest
    @MethodSource("modes")
    void allocationNeverFreesTheObjectItIsAllocating(Map<String, String> mode) {
        this.mode = mode;
        start(16 << 20, Map.of("thresholds", "0"));
        m.pushFrame(1);
        for (int i = 0; i < 100_000; i++) {
            long obj = m.allocate(node);
            assertTrue(heap.isObject(obj), "allocation " + (i + 1) + " returned a freed object");
            m.setLocal(0, obj); // the previous object dies by count
        }
        assertEquals(1, heap.objectCount());
    }

    @ParameterizedTest
    @MethodSource("modes")
    void peakOccupancyIsSeenWithoutSweeping(Map<String, String> mode) {
        this.mode = mode;
        start(16 << 20, Map.of("thresholds", "0"));
        int g = m.global("list");
        for (int i = 0; i < 1000; i++) {
            long n = m.allocate(node);
            m.setRef(n, 0, m.getGlobal(g));
            m.setGlobal(g, n);
        }
        m.setGlobal(g, 0);
        assertEquals(0, heap.inUseBytes());
        assertEquals(24_000, heap.peakInUseBytes());
    }

    @Test
    void unknownKnobsAreRejected() {
        heap = new Heap(HeapConfig.of(16 << 20));
        var p = CollectorRegistry.byName("rc");
        var e = assertThrows(IllegalArgumentException.class, () -> p.create(heap, new CollectorOptions(2, 0, false, Map.of("count", "side"))));
        assertTrue(e.getMessage().contains("counts, debug, incremental, thresholds, trigger"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> p.create(heap, new CollectorOptions(2, 0, false, Map.of("incremental", "yes"))));
        assertTrue(e.getMessage().startsWith("rc: incremental must be 'false'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> p.create(heap, new CollectorOptions(2, 0, false, Map.of("counts", "disk"))));
    }
}
