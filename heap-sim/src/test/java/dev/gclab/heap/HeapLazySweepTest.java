package dev.gclab.heap;

import dev.gclab.heap.object.LayoutRegistry;
import dev.gclab.heap.span.Span;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Lazy sweeping: sweep generations, sweeping before reuse, bounded steps, occupancy and the trigger. */
class HeapLazySweepTest {
    /** The sweep a collector would install: marks become alloc bits (Go's sweep), reported to the heap. */
    private static Heap.SpanSweeper sweeper(Heap heap, List<Span> log) {
        return s -> {
            log.add(s);
            int before = s.allocCount;
            int live = s.sweepToMarks();
            heap.sweptSpan(s, live);
            return (before - live) * s.elemSize;
        };
    }

    /** Allocates {@code n} nodes, marks every other one (as a marking would), returns them in order. */
    private static long[] allocateAndMarkHalf(Heap heap, Mutator m, int node, int n) {
        long[] objs = new long[n];
        for (int i = 0; i < n; i++) objs[i] = m.allocate(node);
        for (int i = 0; i < n; i += 2) {
            Span s = heap.spanOf(objs[i]);
            s.testAndMark(s.objIndex(objs[i]));
        }
        return objs;
    }

    @Test
    void allocationSweepsASpanOfItsClassBeforeReusingItAndNeverTouchesTheMarkedObjects() {
        try (Heap heap = new Heap(HeapConfig.of(16L << 20))) {
            Mutator m = new Mutator(heap, GcHooks.NONE);
            int node = heap.layouts().fixed("N", "rd");
            long[] objs = allocateAndMarkHalf(heap, m, node, 10_000);
            for (int i = 0; i < objs.length; i += 2) m.setLong(objs[i], 0, i);
            int spans = heap.spanCount();
            long inUse = heap.inUseBytes();
            List<Span> swept = new ArrayList<>();
            Space main = heap.space(0);
            int gen = main.sweepGeneration();
            heap.beginLazySweep(main, sweeper(heap, swept));
            assertEquals(gen + 1, main.sweepGeneration());
            assertEquals(spans, main.unsweptSpans());
            for (int i = 0; i < spans; i++) assertTrue(heap.isUnswept(heap.span(i)));
            assertEquals(inUse, heap.inUseBytes(), "nothing is freed before a span is swept");

            long fresh = m.allocate(node);
            assertEquals(1, swept.size(), "the allocation swept one span of its class first");
            assertSame(swept.get(0), heap.spanOf(fresh), "and took its slot from it");
            assertFalse(heap.isUnswept(heap.spanOf(fresh)));
            assertEquals(spans - 1, main.unsweptSpans());
            // Half the objects of the swept span were dead: fill them, never a marked one's slot.
            for (int i = 0; i < 4_000; i++) {
                long o = m.allocate(node);
                assertFalse(heap.isUnswept(heap.spanOf(o)), "a slot was taken from an unswept span");
            }
            assertEquals(spans, heap.spanCount(), "the dead slots of unswept spans were reused before any fresh span");
            for (int i = 0; i < objs.length; i += 2) assertEquals(i, m.getLong(objs[i], 0), "a marked object survives, intact");
            heap.finishLazySweep(main);
            assertEquals(0, main.unsweptSpans());
            assertEquals(5_000 + 1 + 4_000, heap.objectCount());
            assertEquals(heap.objectCount() * 24, heap.inUseBytes());
        }
    }

    @Test
    void boundedStepsSweepAtMostTheirBudgetAndEmptySpansReturnToThePageHeap() {
        try (Heap heap = new Heap(HeapConfig.of(16L << 20))) {
            Mutator m = new Mutator(heap, GcHooks.NONE);
            int node = heap.layouts().fixed("N", "rd");
            for (int i = 0; i < 10_000; i++) m.allocate(node); // none marked: all garbage
            long big = m.allocateArray(LayoutRegistry.LONG_ARRAY, 10_000); // a large object's span
            Span bigSpan = heap.spanOf(big);
            bigSpan.testAndMark(0);
            int spans = heap.spanCount();
            Space main = heap.space(0);
            heap.beginLazySweep(main, sweeper(heap, new ArrayList<>()));
            assertEquals(3, heap.sweepUnswept(main, 3));
            assertEquals(spans - 3, main.unsweptSpans());
            assertThrows(IllegalStateException.class, () -> heap.beginLazySweep(main, sweeper(heap, new ArrayList<>())),
                "a new sweep before the last one finished");
            assertThrows(IllegalStateException.class, heap::beginSweep);
            assertEquals(spans - 3, heap.sweepUnswept(main, Integer.MAX_VALUE));
            assertEquals(0, heap.sweepUnswept(main, 10), "nothing left");
            assertEquals(1, heap.spanCount(), "every emptied span went back to the page heap; the marked large object stays");
            assertEquals(1, heap.objectCount());
            assertTrue(heap.isObject(big));
        }
    }

    @Test
    void sweepingLowersTheTriggerByWhatItFreesSoThePollDistanceIsKept() {
        try (Heap heap = new Heap(HeapConfig.of(16L << 20))) {
            Mutator m = new Mutator(heap, GcHooks.NONE);
            int node = heap.layouts().fixed("N", "rd");
            allocateAndMarkHalf(heap, m, node, 10_000);
            Space main = heap.space(0);
            heap.beginLazySweep(main, sweeper(heap, new ArrayList<>()));
            long distance = 64 << 10;
            heap.setCollectionTrigger(heap.inUseBytes() + distance);
            long peak = heap.inUseBytes();
            heap.sweepUnswept(main, 5);
            assertTrue(heap.inUseBytes() < peak);
            assertEquals(distance, heap.collectionTrigger() - heap.inUseBytes());
            assertEquals(peak, heap.peakInUseBytes(), "the peak was sampled before the sweep lowered occupancy");
            heap.setCollectionTrigger(Long.MAX_VALUE);
            heap.finishLazySweep(main);
            assertEquals(Long.MAX_VALUE, heap.collectionTrigger(), "no trigger, nothing to lower");
            heap.beginSweep(); // an eager sweep is allowed again
        }
    }
}
