package dev.gclab.gc.plan.marksweep;

import dev.gclab.gc.spi.Collector;
import dev.gclab.gc.spi.CollectorOptions;
import dev.gclab.gc.spi.CollectorRegistry;
import dev.gclab.gc.spi.GcCause;
import dev.gclab.gc.spi.UnknownNameException;
import dev.gclab.gc.verify.HeapVerificationException;
import dev.gclab.heap.Heap;
import dev.gclab.heap.HeapConfig;
import dev.gclab.heap.MarkBits;
import dev.gclab.heap.Mutator;
import dev.gclab.heap.OutOfHeapException;
import dev.gclab.heap.object.LayoutRegistry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class MarkSweepTest {
    private static Collector marksweep(Heap heap) {
        return CollectorRegistry.byName("marksweep").create(heap, CollectorOptions.defaults().withVerify(true).withMinTrigger(1 << 20));
    }

    @ParameterizedTest
    @EnumSource(MarkBits.class)
    void garbageCyclesGoAndReachableObjectsStay(MarkBits markBits) {
        try (Heap heap = new Heap(HeapConfig.of(16L << 20).withMarkBits(markBits))) {
            Collector c = marksweep(heap);
            Mutator m = new Mutator(heap, c);
            int node = heap.layouts().fixed("Node", "rr");
            int root = m.global("root");
            long a = m.allocate(node);
            long b = m.allocate(node);
            m.setRef(a, 0, b);
            m.setRef(b, 0, a); // a 2-cycle, unrooted
            long kept = m.allocate(node);
            m.setGlobal(root, kept);
            long child = m.allocate(node);
            m.setRef(kept, 1, child);
            c.collect(GcCause.EXPLICIT);
            assertEquals(2, heap.objectCount());
            assertTrue(heap.isObject(kept) && heap.isObject(child));
            assertFalse(heap.isObject(a) || heap.isObject(b));
            assertEquals(2, heap.counters().objectsMarked);
            assertEquals(2, heap.counters().objectsFreed);
            assertEquals(48, heap.inUseBytes());
            assertEquals(1, c.stats().cycles());
            assertEquals(1, c.stats().pauseCount());
        }
    }

    @Test
    void handlesAreRootsUntilReleased() {
        try (Heap heap = new Heap(HeapConfig.of(16L << 20))) {
            Collector c = marksweep(heap);
            Mutator m = new Mutator(heap, c);
            long o = m.allocateArray(LayoutRegistry.REF_ARRAY, 3);
            long inner = m.allocateArray(LayoutRegistry.BYTE_ARRAY, 10);
            m.setRef(o, 2, inner);
            int h = m.newHandle(o);
            c.collect(GcCause.EXPLICIT);
            assertEquals(2, heap.objectCount());
            m.releaseHandle(h);
            c.collect(GcCause.EXPLICIT);
            assertEquals(0, heap.objectCount());
        }
    }

    @Test
    void framesAreRootsUntilPopped() {
        try (Heap heap = new Heap(HeapConfig.of(16L << 20))) {
            Collector c = marksweep(heap);
            Mutator m = new Mutator(heap, c);
            m.pushFrame(1);
            m.setLocal(0, m.allocate(heap.layouts().fixed("Leaf", "d")));
            c.collect(GcCause.EXPLICIT);
            assertEquals(1, heap.objectCount());
            m.popFrame();
            c.collect(GcCause.EXPLICIT);
            assertEquals(0, heap.objectCount());
        }
    }

    /** Marking uses an explicit stack: a chain of a million objects must not overflow the Java stack. */
    @Test
    void longChainMarksWithoutRecursion() {
        try (Heap heap = new Heap(HeapConfig.of(128L << 20))) {
            Collector c = CollectorRegistry.byName("marksweep").create(heap, CollectorOptions.defaults().withMinTrigger(1L << 30));
            Mutator m = new Mutator(heap, c);
            int node = heap.layouts().fixed("Link", "r");
            int head = m.global("head");
            for (int i = 0; i < 1_000_000; i++) {
                long n = m.allocate(node);
                m.setRef(n, 0, m.getGlobal(head));
                m.setGlobal(head, n);
            }
            c.collect(GcCause.EXPLICIT);
            assertEquals(1_000_000, heap.objectCount());
            assertEquals(1_000_000, heap.counters().objectsMarked);
            m.setGlobal(head, 0);
            c.collect(GcCause.EXPLICIT);
            assertEquals(0, heap.objectCount());
            assertEquals(0, heap.inUseBytes());
        }
    }

    @Test
    void allocationTriggersCollectionsAndGarbageNeverFillsTheHeap() {
        try (Heap heap = new Heap(HeapConfig.of(4L << 20))) {
            Collector c = marksweep(heap);
            Mutator m = new Mutator(heap, c);
            int node = heap.layouts().fixed("Node", "rr");
            for (int i = 0; i < 500_000; i++) m.allocate(node); // 12 MB of garbage through a 4 MiB heap
            assertTrue(c.stats().cycles() >= 3, "cycles " + c.stats().cycles());
            assertTrue(heap.committedBytes() <= 4L << 20);
        }
    }

    @Test
    void liveDataBeyondTheHeapRaisesOutOfHeapWithTheNumbers() {
        try (Heap heap = new Heap(HeapConfig.of(2L << 20))) {
            Collector c = marksweep(heap);
            Mutator m = new Mutator(heap, c);
            int root = m.global("list");
            int node = heap.layouts().fixed("Cons", "rr");
            OutOfHeapException e = assertThrows(OutOfHeapException.class, () -> {
                while (true) {
                    long n = m.allocate(node);
                    m.setRef(n, 1, m.getGlobal(root));
                    m.setGlobal(root, n);
                }
            });
            assertEquals(2L << 20, e.heapMaxBytes());
            assertTrue(e.liveBytes() > (2L << 20) * 9 / 10);
            assertTrue(e.getMessage().contains("marksweep"), e.getMessage());
        }
    }

    @Test
    void verifierReportsACorruptSlotPrecisely() {
        try (Heap heap = new Heap(HeapConfig.of(16L << 20))) {
            Collector c = marksweep(heap);
            Mutator m = new Mutator(heap, c);
            int node = heap.layouts().fixed("Node", "rr");
            long a = m.allocate(node);
            m.setGlobal(m.global("a"), a);
            heap.memory().setLong(a + 16, a + 8); // bypass the mutator: an interior pointer in slot 1
            HeapVerificationException e = assertThrows(HeapVerificationException.class, () -> c.collect(GcCause.EXPLICIT));
            assertTrue(e.getMessage().contains("slot 1 of object 0x" + Long.toHexString(a)), e.getMessage());
            assertTrue(e.getMessage().contains("inside an object"), e.getMessage());
        }
    }

    @Test
    void reachabilityHooksSeeMarksAndCanResurrect() {
        try (Heap heap = new Heap(HeapConfig.of(16L << 20))) {
            Collector c = CollectorRegistry.byName("marksweep").create(heap, CollectorOptions.defaults());
            Mutator m = new Mutator(heap, c);
            int node = heap.layouts().fixed("Node", "rr");
            long kept = m.allocate(node);
            m.setGlobal(m.global("k"), kept);
            long doomed = m.allocate(node);
            long child = m.allocate(node);
            m.setRef(doomed, 0, child);
            boolean[] seen = new boolean[2];
            c.addReachabilityHook(marking -> {
                seen[0] = marking.isLive(kept);
                seen[1] = marking.isLive(doomed);
                marking.retain(doomed); // resurrect: doomed and child survive this collection
            });
            c.collect(GcCause.EXPLICIT);
            assertTrue(seen[0]);
            assertFalse(seen[1]);
            assertTrue(heap.isObject(doomed) && heap.isObject(child));
        }
    }

    @Test
    void sameProgramSameCounters() {
        long[] first = null;
        for (int run = 0; run < 2; run++) {
            try (Heap heap = new Heap(HeapConfig.of(8L << 20))) {
                Collector c = marksweep(heap);
                Mutator m = new Mutator(heap, c);
                int node = heap.layouts().fixed("Node", "rr");
                int g = m.global("g");
                java.util.SplittableRandom rnd = new java.util.SplittableRandom(99);
                for (int i = 0; i < 200_000; i++) {
                    long n = m.allocate(node);
                    if (rnd.nextInt(10) == 0) {
                        m.setRef(n, 0, m.getGlobal(g));
                        m.setGlobal(g, n);
                    }
                    if (rnd.nextInt(1000) == 0) m.setGlobal(g, 0);
                }
                long[] now = heap.counters().asMap().values().stream().mapToLong(Long::longValue).toArray();
                now = java.util.Arrays.copyOf(now, now.length + 1);
                now[now.length - 1] = c.stats().cycles();
                if (first == null) first = now;
                else assertArrayEquals(first, now);
            }
        }
    }

    @Test
    void unknownCollectorListsTheValidOnes() {
        UnknownNameException e = assertThrows(UnknownNameException.class, () -> CollectorRegistry.byName("g1"));
        assertTrue(e.getMessage().contains("marksweep"), e.getMessage());
    }
}
