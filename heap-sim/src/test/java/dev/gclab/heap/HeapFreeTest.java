package dev.gclab.heap;

import dev.gclab.heap.object.LayoutRegistry;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** Freeing single objects, as reference counting does. */
class HeapFreeTest {
    @Test
    void freedSlotsAreReusedAndEmptySpansReturnToThePageHeap() {
        try (Heap heap = new Heap(HeapConfig.of(32L << 20))) {
            Mutator m = new Mutator(heap, GcHooks.NONE);
            int node = heap.layouts().fixed("N", "rr");
            List<Long> objs = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) objs.add(m.allocate(node));
            int spansBefore = heap.spanCount();
            SplittableRandom rnd = new SplittableRandom(1);
            Set<Long> freed = new HashSet<>();
            for (long o : objs) if (rnd.nextInt(3) == 0) { heap.free(o); freed.add(o); }
            for (long o : objs) assertEquals(!freed.contains(o), heap.isObject(o));
            assertEquals(10_000 - freed.size(), heap.objectCount());
            assertEquals((10_000 - freed.size()) * 24L, heap.inUseBytes());
            Set<Long> reused = new HashSet<>();
            for (int i = 0; i < freed.size(); i++) {
                long o = m.allocate(node);
                assertTrue(reused.add(o), "a slot was handed out twice");
                assertTrue(freed.contains(o) || !objs.contains(o), "a live object's slot was handed out");
            }
            assertEquals(spansBefore, heap.spanCount(), "freed slots are reused before new spans are taken");
            objs.removeAll(freed);
            objs.addAll(reused);
            for (long o : objs) heap.free(o);
            assertEquals(0, heap.objectCount());
            assertTrue(heap.spanCount() <= 1, "only the current span may stay: " + heap.spanCount());
        }
    }

    /**
     * Allocate-and-free of one small object at a time (reference counting's churn) in a 2 MiB heap:
     * every span whose objects all died while it was the current span must come back. Before the fix,
     * a used-up current span was abandoned by the allocator and the heap ran out after 43,520 objects
     * with 0 bytes live and 256 empty spans.
     */
    @Test
    void churnOfShortLivedObjectsNeverRunsOutOfSpans() {
        try (Heap heap = new Heap(HeapConfig.of(2L << 20))) {
            Mutator m = new Mutator(heap, GcHooks.NONE);
            for (int i = 0; i < 100_000; i++) {
                long o = m.allocateArray(LayoutRegistry.BYTE_ARRAY, 40);
                heap.free(o);
            }
            assertEquals(0, heap.objectCount());
            assertTrue(heap.spanCount() <= 1, "only the current span may stay: " + heap.spanCount());
        }
    }

    /** A retired current span with some live objects joins the partial list, so its freed slots are found again. */
    @Test
    void aRetiredSpanWithFreedSlotsIsReused() {
        try (Heap heap = new Heap(HeapConfig.of(4L << 20))) {
            Mutator m = new Mutator(heap, GcHooks.NONE);
            int node = heap.layouts().fixed("N", "r"); // 16-byte slots, 512 per span
            List<Long> kept = new ArrayList<>();
            for (int round = 0; round < 2_000; round++) {
                for (int i = 0; i < 511; i++) heap.free(m.allocate(node)); // all but one slot of each span die
                kept.add(m.allocate(node));
            }
            long liveBytes = kept.size() * 16L;
            assertEquals(liveBytes, heap.inUseBytes());
            assertTrue(heap.spanCount() <= 5, "2,000 live 16-byte objects fit 4 spans when freed slots are reused: " + heap.spanCount());
        }
    }

    @Test
    void freeingALargeObjectReturnsItsPages() {
        try (Heap heap = new Heap(HeapConfig.of(32L << 20))) {
            Mutator m = new Mutator(heap, GcHooks.NONE);
            long big = m.allocateArray(LayoutRegistry.BYTE_ARRAY, 1 << 20);
            int free = heap.pages().freePageCount();
            heap.free(big);
            assertEquals(free + 129, heap.pages().freePageCount());
            assertFalse(heap.isObject(big));
            assertThrows(InvalidHeapAccessException.class, () -> m.getByte(big, 0));
        }
    }
}
