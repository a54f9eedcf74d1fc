package dev.gclab.gc.plan.compact;

import dev.gclab.gc.policy.CompactSpace;
import dev.gclab.gc.spi.Collector;
import dev.gclab.gc.spi.CollectorOptions;
import dev.gclab.gc.spi.CollectorRegistry;
import dev.gclab.gc.spi.GcCause;
import dev.gclab.heap.Heap;
import dev.gclab.heap.HeapConfig;
import dev.gclab.heap.MarkBits;
import dev.gclab.heap.Mutator;
import dev.gclab.heap.object.LayoutRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class CompactCollectorTest {
    /** Objects of 32 bytes (header, a reference, two data words): 256 to an 8 KiB span. */
    private static final int PER_SPAN = 256;

    private static CompactCollector compact(Heap heap, Map<String, String> options) {
        return (CompactCollector) CollectorRegistry.byName("compact").create(heap,
            CollectorOptions.defaults().withVerify(true).withMinTrigger(1L << 40).withExtra(options));
    }

    /** A root ref[] of n nodes "rdd", node i holding (i, ~i) and a reference to node i-1. */
    private static int build(Mutator m, int n) {
        int node = m.layouts().fixed("cnode", "rdd");
        int root = m.global("root");
        m.setGlobal(root, m.allocateArray(LayoutRegistry.REF_ARRAY, n));
        for (int i = 0; i < n; i++) {
            long o = m.allocate(node);
            m.setLong(o, 0, i);
            m.setLong(o, 1, ~i);
            if (i > 0) m.setRef(o, 0, m.getRef(m.getGlobal(root), i - 1));
            m.setRef(m.getGlobal(root), i, o);
        }
        return root;
    }

    /** Checks that the root array holds null where {@code dropped} says so and, elsewhere, its node with the data it was given. */
    private static void check(Mutator m, int root, int n, java.util.function.IntPredicate dropped) {
        long arr = m.getGlobal(root);
        for (int i = 0; i < n; i++) {
            long o = m.getRef(arr, i);
            if (dropped.test(i)) {
                assertEquals(0, o);
                continue;
            }
            assertEquals(i, m.getLong(o, 0), "node " + i);
            assertEquals(~i, m.getLong(o, 1), "node " + i);
        }
    }

    @ParameterizedTest
    @EnumSource(MarkBits.class)
    void compactionReleasesTheSpansOfAFragmentedClassAndKeepsEveryObjectIntact(MarkBits markBits) {
        try (Heap heap = new Heap(HeapConfig.of(64L << 20).withMarkBits(markBits))) {
            CompactCollector c = compact(heap, Map.of());
            Mutator m = new Mutator(heap, c);
            int n = 40 * PER_SPAN;
            int root = build(m, n);
            // Drop 90% of the nodes at random; the chain still holds every node: cut it first.
            long arr = m.getGlobal(root);
            for (int i = 0; i < n; i++) m.setRef(m.getRef(arr, i), 0, 0);
            SplittableRandom rnd = new SplittableRandom(7);
            boolean[] dropped = new boolean[n];
            for (int i = 0; i < n; i++) {
                if (rnd.nextInt(10) != 0) {
                    dropped[i] = true;
                    m.setRef(arr, i, 0);
                }
            }
            int h = m.newHandle(m.getRef(arr, findKept(dropped, n - 1)));
            c.collect(GcCause.EXPLICIT);
            Map<String, Long> k = c.collectorCounters();
            assertEquals(1, k.get("collections_compacted"));
            assertTrue(k.get("objects_moved") > 0, k::toString);
            assertTrue(k.get("spans_released") >= 30, k::toString);
            assertEquals(0, k.get("spans_kept_by_pins"));
            assertTrue(k.get("fragmentation_before_ppm") > 600_000 && k.get("fragmentation_after_ppm") < 100_000, k::toString); // the root array (80 KiB) is live
            CompactSpace.ClassReport nodes = c.compactSpace().lastClasses().stream().filter(r -> r.slotBytes() == 32 && !r.noScan()).findFirst().orElseThrow();
            assertEquals(nodes.minSpans(), nodes.spansAfter(), () -> c.compactSpace().lastClasses().toString());
            assertEquals(Math.ceilDiv(nodes.liveObjects(), PER_SPAN), nodes.minSpans());
            check(m, root, n, i -> dropped[i]);
            assertEquals(findKept(dropped, n - 1), m.getLong(m.deref(h), 0), "the handle's entry names its object wherever it went");
            assertEquals(heap.counters().objectsCopied, k.get("objects_moved"));
            m.releaseHandle(h);
        }
    }

    private static int findKept(boolean[] dropped, int from) {
        for (int i = from; i >= 0; i--) if (!dropped[i]) return i;
        throw new AssertionError("nothing kept");
    }

    @Test
    void pinnedObjectsKeepTheirSlotsAndTheirSpansAreNeverReleased() {
        try (Heap heap = new Heap(HeapConfig.of(64L << 20))) {
            CompactCollector c = compact(heap, Map.of());
            Mutator m = new Mutator(heap, c);
            int n = 20 * PER_SPAN;
            int root = build(m, n);
            long arr = m.getGlobal(root);
            for (int i = 0; i < n; i++) m.setRef(m.getRef(arr, i), 0, 0);
            // Keep one node in 16; pin one kept node in each of five spans (by address and by a window).
            for (int i = 0; i < n; i++) if (i % 16 != 0) m.setRef(arr, i, 0);
            long[] pinnedAt = new long[5];
            int[] handles = new int[5];
            for (int p = 0; p < 5; p++) {
                long o = m.getRef(arr, p * 4 * PER_SPAN);
                pinnedAt[p] = o;
                if (p % 2 == 0) m.pin(o);
                else {
                    handles[p] = m.newHandle(o);
                    assertEquals(o, m.pinHandle(handles[p]));
                }
            }
            c.collect(GcCause.EXPLICIT);
            for (int p = 0; p < 5; p++) {
                assertEquals(pinnedAt[p], m.getRef(m.getGlobal(root), p * 4 * PER_SPAN), "pinned node " + p + " moved");
                assertTrue(heap.spanOf(pinnedAt[p]) != null);
            }
            Map<String, Long> k = c.collectorCounters();
            assertEquals(5, k.get("spans_with_pins"));
            // 320 live nodes need 2 spans; the 5 pinned spans stay (and hold them all): 3 kept by pins.
            assertEquals(3, k.get("spans_kept_by_pins"), k::toString);
            assertEquals(5, heap.spanCount() - 1, "five node spans and the root array");
            check(m, root, n, i -> i % 16 != 0);
            for (int p = 1; p < 5; p += 2) {
                m.unpinHandle(handles[p]);
                m.releaseHandle(handles[p]);
            }
        }
    }

    @Test
    void pinsSpreadOverManySpansKeepThemAndTheCounterSaysHowMany() {
        try (Heap heap = new Heap(HeapConfig.of(64L << 20))) {
            CompactCollector c = compact(heap, Map.of());
            Mutator m = new Mutator(heap, c);
            int n = 20 * PER_SPAN;
            int root = build(m, n);
            long arr = m.getGlobal(root);
            for (int i = 0; i < n; i++) m.setRef(m.getRef(arr, i), 0, 0);
            for (int i = 0; i < n; i++) if (i % PER_SPAN != 0) m.setRef(arr, i, 0); // one node left per span ...
            for (int i = 0; i < n; i += PER_SPAN) m.pin(m.getRef(arr, i)); // ... and it is pinned
            c.collect(GcCause.EXPLICIT);
            Map<String, Long> k = c.collectorCounters();
            assertEquals(0, k.get("objects_moved"), k::toString);
            assertEquals(20, k.get("spans_with_pins"));
            assertEquals(19, k.get("spans_kept_by_pins"), "20 live nodes fit one span; the pins keep 20");
        }
    }

    @Test
    void compactEveryNCompactsOnlyEveryNthCollection() {
        try (Heap heap = new Heap(HeapConfig.of(16L << 20))) {
            CompactCollector c = compact(heap, Map.of("compact_every", "3"));
            new Mutator(heap, c);
            for (int i = 0; i < 7; i++) c.collect(GcCause.EXPLICIT);
            assertEquals(2, c.collectorCounters().get("collections_compacted"));
        }
    }

    @Test
    void compactWhenCompactsOnlyAFragmentedHeap() {
        try (Heap heap = new Heap(HeapConfig.of(64L << 20))) {
            CompactCollector c = compact(heap, Map.of("compact_when", "frag>0.5"));
            Mutator m = new Mutator(heap, c);
            int n = 8 * PER_SPAN;
            int root = build(m, n);
            c.collect(GcCause.EXPLICIT); // dense: no compaction
            assertEquals(0, c.collectorCounters().get("collections_compacted"));
            long arr = m.getGlobal(root);
            for (int i = 0; i < n; i++) m.setRef(m.getRef(arr, i), 0, 0);
            for (int i = 0; i < n; i++) if (i % 4 != 0) m.setRef(arr, i, 0);
            c.collect(GcCause.EXPLICIT); // three quarters of the nodes gone: fragmented
            Map<String, Long> k = c.collectorCounters();
            assertEquals(1, k.get("collections_compacted"), k::toString);
            assertTrue(k.get("fragmentation_after_ppm") < k.get("fragmentation_before_ppm"), k::toString);
            check(m, root, n, i -> i % 4 != 0);
        }
    }

    @Test
    void weakReferencesAndFinalizerRecordsFollowTheirObjects() {
        try (Heap heap = new Heap(HeapConfig.of(64L << 20))) {
            CompactCollector c = compact(heap, Map.of());
            Mutator m = new Mutator(heap, c);
            int n = 8 * PER_SPAN;
            int root = build(m, n);
            long arr = m.getGlobal(root);
            for (int i = 0; i < n; i++) m.setRef(m.getRef(arr, i), 0, 0);
            int last = n - 8;
            // Spans 4..6 keep one node in 8, span 7 only node 'last': the sparsest span, evacuated for sure.
            for (int i = 0; i < n; i++) if (!(i >= 4 * PER_SPAN && i < 7 * PER_SPAN && i % 8 == 0) && i != last) m.setRef(arr, i, 0);
            int[] ran = new int[1];
            c.finalization().registerFinalizer(m.getRef(arr, last), o -> {
                ran[0]++;
                assertEquals(last, m.getLong(o, 0), "the finalizer sees its object intact");
            });
            int weak = m.global("weak");
            m.setGlobal(weak, c.finalization().newWeakRef(m, m.getRef(m.getGlobal(root), last), null));
            long before = m.getRef(m.getGlobal(root), last);
            c.collect(GcCause.EXPLICIT);
            long now = m.getRef(m.getGlobal(root), last);
            assertNotEquals(before, now, "the survivor of a sparse span moved");
            assertEquals(now, c.finalization().weakRefGet(m.getGlobal(weak)), "the weak reference follows it");
            m.setRef(m.getGlobal(root), last, 0);
            c.collect(GcCause.EXPLICIT);
            assertEquals(1, ran[0], "its finalizer record followed it too");
            assertEquals(0, c.finalization().weakRefGet(m.getGlobal(weak)));
        }
    }

    @Test
    void badOptionsNameTheCollectorTheOptionAndTheValidValues() {
        try (Heap heap = new Heap(HeapConfig.of(1L << 20))) {
            for (String[] bad : new String[][] {{"compact_every", "0"}, {"compact_every", "x"}, {"compact_when", "frag>1"},
                {"compact_when", "0.3"}, {"compact_when", "frag>NaN"}, {"colour", "red"}}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> compact(heap, Map.of(bad[0], bad[1])));
                assertTrue(e.getMessage().startsWith("compact: "), e.getMessage());
                assertTrue(e.getMessage().contains(bad[0]), e.getMessage());
            }
            assertTrue(assertThrows(IllegalArgumentException.class, () -> compact(heap, Map.of("compact_when", "frag>2")))
                .getMessage().contains("frag>X with X a decimal number in [0, 1)"));
        }
    }

    @Test
    void aCollectionForAFullHeapAlwaysCompacts() {
        try (Heap heap = new Heap(HeapConfig.of(16L << 20))) {
            CompactCollector c = compact(heap, Map.of("compact_every", "1000"));
            new Mutator(heap, c);
            c.collect(GcCause.HEAP_FULL);
            c.collect(GcCause.EXPLICIT);
            assertEquals(1, c.collectorCounters().get("collections_compacted"));
        }
    }

    @Test
    void registeredWithItsConstraintsAndVariants() {
        Collector probe;
        try (Heap heap = new Heap(HeapConfig.of(1L << 20))) {
            probe = compact(heap, Map.of());
            assertTrue(probe.constraints().movesObjects() && probe.constraints().supportsPinning());
        }
        assertTrue(CollectorRegistry.byName("compact").variants().contains(Map.of()));
    }
}
