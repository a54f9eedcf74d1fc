package dev.gclab.heap;

import dev.gclab.heap.object.LayoutRegistry;
import dev.gclab.heap.span.Span;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Spaces: reserved address ranges, per-space allocation and accounting, collector copies. */
class SpaceTest {
    @Test
    void aReservedSpaceKeepsItsSpansInItsRangeAndOthersOut() {
        try (Heap heap = new Heap(HeapConfig.of(64L << 20))) {
            Mutator m = new Mutator(heap, GcHooks.NONE);
            int node = heap.layouts().fixed("N", "rr");
            long before = m.allocate(node); // main space, before the reservation
            Space nursery = heap.defineSpace("nursery", 1L << 20);
            assertEquals(1L << 20, nursery.end - nursery.start);
            assertFalse(nursery.contains(before));
            heap.setMutatorSpace(nursery);
            for (int i = 0; i < 40_000; i++) {
                long o = m.allocate(node);
                if (o == 0) fail("nursery full too early at " + i);
                if (!nursery.contains(o)) {
                    fail(String.format("object 0x%x outside the nursery [0x%x, 0x%x)", o, nursery.start, nursery.end));
                }
            }
            assertEquals(40_000L * 24, nursery.inUseBytes());
            Space main = heap.space(0);
            heap.setMutatorSpace(main);
            for (int i = 0; i < 100_000; i++) assertFalse(nursery.contains(m.allocate(node)), "main-space objects never land in the nursery");
            assertEquals(24L * 100_001, main.inUseBytes());
            assertEquals(heap.inUseBytes(), main.inUseBytes() + nursery.inUseBytes());
        }
    }

    @Test
    void aFullReservedRangeRefusesAllocationWithoutTouchingTheRest() {
        try (Heap heap = new Heap(HeapConfig.of(64L << 20))) {
            Space small = heap.defineSpace("small", 64 << 10); // 8 pages
            heap.setMutatorSpace(small);
            int n = 0;
            while (heap.allocate(LayoutRegistry.BYTE_ARRAY, 1000, 1008) != 0) n++;
            assertEquals(8 * (8192 / 1024), n, "8 pages of 1024-byte slots, then no room");
            assertEquals(64 << 10, small.spanBytes());
        }
    }

    @Test
    void copiesAreCountedApartFromAllocationAndReleasingASpanFreesItsPages() {
        try (Heap heap = new Heap(HeapConfig.of(16L << 20))) {
            Mutator m = new Mutator(heap, GcHooks.NONE);
            int node = heap.layouts().fixed("N", "rd");
            Space to = heap.defineSpace("to");
            long a = m.allocate(node);
            m.setLong(a, 0, 42);
            long allocations = heap.counters().allocations;
            long b = heap.copy(a, to);
            assertNotEquals(0, b);
            assertEquals(42, m.getLong(b, 0), "the bytes were copied");
            assertEquals(allocations, heap.counters().allocations, "a copy is not mutator allocation");
            assertEquals(1, heap.counters().objectsCopied);
            assertEquals(24, heap.counters().bytesCopied);
            assertEquals(24, to.copiedBytes());
            Span from = heap.spanOf(a);
            int freePages = heap.pages().freePageCount();
            heap.beginSweep(heap.space(0));
            heap.releaseSpan(from);
            assertFalse(heap.isObject(a));
            assertTrue(heap.isObject(b));
            assertEquals(freePages + 1, heap.pages().freePageCount());
            assertEquals(0, heap.space(0).inUseBytes());
            assertEquals(24, heap.inUseBytes());
        }
    }

    @Test
    void spaceNamesAreUnique() {
        try (Heap heap = new Heap(HeapConfig.of(16L << 20))) {
            heap.defineSpace("x");
            assertThrows(IllegalArgumentException.class, () -> heap.defineSpace("x"));
            assertThrows(IllegalArgumentException.class, () -> heap.defineSpace(Heap.MAIN_SPACE));
        }
    }

    @Test
    void aTransferredSpanMovesItsAccountingAndReturnsItsPagesToTheRangeWhenFreed() {
        try (Heap heap = new Heap(HeapConfig.of(64L << 20))) {
            Mutator m = new Mutator(heap, GcHooks.NONE);
            int node = heap.layouts().fixed("N", "rr");
            Space nursery = heap.defineSpace("nursery", 64 << 10);
            Space old = heap.defineSpace("old");
            heap.setMutatorSpace(nursery);
            long o = m.allocate(node);
            Span s = heap.spanOf(o);
            assertThrows(IllegalStateException.class, () -> heap.transferSpan(s, old), "still the current span");
            heap.beginSweep(nursery);
            heap.transferSpan(s, old);
            assertEquals(old.id, s.space);
            assertEquals(24, old.inUseBytes());
            assertEquals(0, nursery.inUseBytes());
            assertEquals(8192, old.spanBytes());
            assertTrue(nursery.contains(o), "it stays where it lies, in the range");
            int free = s.range.freePages();
            heap.releaseSpan(s);
            assertEquals(free + 1, s.range.freePages(), "its page went back to the nursery's range");
            assertEquals(0, old.spanBytes());
        }
    }

    @Test
    void largeArraysArePretenuredIntoTheSpaceAskedFor() {
        try (Heap heap = new Heap(HeapConfig.of(64L << 20))) {
            Mutator m = new Mutator(heap, GcHooks.NONE);
            Space nursery = heap.defineSpace("nursery", 1L << 20);
            Space old = heap.defineSpace("old");
            heap.setMutatorSpace(nursery);
            heap.setPretenuring(old, 100_000);
            long small = m.allocateArray(LayoutRegistry.LONG_ARRAY, 1000);
            long big = m.allocateArray(LayoutRegistry.LONG_ARRAY, 20_000);
            assertTrue(nursery.contains(small));
            assertEquals(old.id, heap.spanOf(big).space);
            assertEquals(heap.spanOf(big).elemSize, heap.pretenuredBytes());
            assertEquals(nursery.id, heap.spanOf(m.allocate(heap.layouts().fixed("N", "rr"))).space, "fixed layouts are never pretenured");
            heap.setPretenuring(null, 0);
            assertTrue(nursery.contains(m.allocateArray(LayoutRegistry.LONG_ARRAY, 20_000)));
        }
    }

    @Test
    void aRangeTellsWhetherASpanForARequestFitsInIt() {
        try (Heap heap = new Heap(HeapConfig.of(64L << 20))) {
            Mutator m = new Mutator(heap, GcHooks.NONE);
            Space nursery = heap.defineSpace("nursery", 64 << 10); // 8 pages
            heap.setMutatorSpace(nursery);
            assertTrue(heap.rangeHasRoomFor(nursery, 60_000));
            assertFalse(heap.rangeHasRoomFor(nursery, 70_000));
            m.allocateArray(LayoutRegistry.BYTE_ARRAY, 40_000); // 5 pages
            assertTrue(heap.rangeHasRoomFor(nursery, 24));
            assertFalse(heap.rangeHasRoomFor(nursery, 40_000));
            assertTrue(heap.rangeHasRoomFor(heap.space(0), 1L << 24), "a space without a range is not limited by one");
        }
    }
}
