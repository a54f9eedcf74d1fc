package dev.gclab.heap;

import dev.gclab.heap.memory.HeapMemory;
import dev.gclab.heap.meta.SideMetadataSpec;
import dev.gclab.heap.meta.SideTable;
import dev.gclab.heap.object.LayoutRegistry;
import dev.gclab.heap.span.Span;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class HeapTest {
    @Test
    void bigMaximumCommitsNothingUntilUsed() {
        try (Heap heap = new Heap(HeapConfig.of(16L << 30))) {
            assertEquals(0, heap.committedBytes());
            Mutator m = new Mutator(heap, GcHooks.NONE);
            m.allocate(heap.layouts().fixed("N", "rr"));
            assertEquals(HeapMemory.CHUNK_BYTES, heap.committedBytes());
        }
    }

    @Test
    void smallHeapCommitsOnlyItsMaximum() {
        try (Heap heap = new Heap(HeapConfig.of(1L << 20))) {
            Mutator m = new Mutator(heap, GcHooks.NONE);
            m.allocate(heap.layouts().fixed("N", "rr"));
            assertEquals(1L << 20, heap.committedBytes());
        }
    }

    @Test
    void spanOfFindsTheSpanOfEveryByteOfEveryObject() {
        try (Heap heap = new Heap(HeapConfig.of(64L << 20))) {
            Mutator m = new Mutator(heap, GcHooks.NONE);
            int node = heap.layouts().fixed("N", "rrd");
            long[] objs = new long[5000];
            for (int i = 0; i < objs.length; i++) {
                objs[i] = i % 10 == 0 ? m.allocateArray(LayoutRegistry.BYTE_ARRAY, 100 + i * 13) : m.allocate(node);
            }
            for (long o : objs) {
                Span s = heap.spanOf(o);
                assertNotNull(s);
                long size = heap.sizeOf(o);
                for (long b = o; b < o + size; b++) assertSame(s, heap.spanOf(b));
                assertTrue(heap.isObject(o));
                assertFalse(heap.isObject(o + 8));
            }
            assertNull(heap.spanOf(HeapMemory.BASE - 8));
            assertNull(heap.spanOf(0));
            assertEquals(5000, heap.objectCount());
        }
    }

    @Test
    void objectsDoNotOverlapAndNoScanObjectsGetTheirOwnSpans() {
        try (Heap heap = new Heap(HeapConfig.of(64L << 20))) {
            Mutator m = new Mutator(heap, GcHooks.NONE);
            int node = heap.layouts().fixed("N", "rr");
            long a = m.allocate(node);
            long b = m.allocateArray(LayoutRegistry.LONG_ARRAY, 2); // same size (24 B), no references
            assertNotSame(heap.spanOf(a), heap.spanOf(b));
            assertFalse(heap.spanOf(a).noScan);
            assertTrue(heap.spanOf(b).noScan);
            long c = m.allocate(node);
            assertEquals(a + 24, c);
        }
    }

    @Test
    void largeObjectsGetSpansOfTheirOwnAndGrowTheHeapByChunks() {
        try (Heap heap = new Heap(HeapConfig.of(256L << 20))) {
            Mutator m = new Mutator(heap, GcHooks.NONE);
            long[] arrays = new long[6];
            for (int i = 0; i < arrays.length; i++) {
                arrays[i] = m.allocateArray(LayoutRegistry.LONG_ARRAY, 3_000_000); // 24 MB each
                m.setDouble(arrays[i], 2_999_999, i + 0.5);
            }
            assertTrue(heap.committedBytes() >= 3 * HeapMemory.CHUNK_BYTES);
            for (int i = 0; i < arrays.length; i++) {
                Span s = heap.spanOf(arrays[i]);
                assertEquals(0, s.sizeClass);
                assertEquals(1, s.nelems);
                assertEquals(i + 0.5, m.getDouble(arrays[i], 2_999_999));
                assertEquals(0.0, m.getDouble(arrays[i], 0));
            }
        }
    }

    @Test
    void allocationReturnsZeroWhenTheHeapIsFullAndOutOfHeapNamesTheNumbers() {
        try (Heap heap = new Heap(HeapConfig.of(1L << 20))) {
            Mutator m = new Mutator(heap, GcHooks.NONE);
            int node = heap.layouts().fixed("N", "rr");
            OutOfHeapException e = assertThrows(OutOfHeapException.class, () -> { while (true) m.allocate(node); });
            assertEquals(1L << 20, e.heapMaxBytes());
            assertEquals(24, e.requestBytes());
            assertTrue(e.liveBytes() > (1L << 20) * 9 / 10, "live " + e.liveBytes());
            assertTrue(e.getMessage().contains("1,048,576"), e.getMessage());
        }
    }

    @Test
    void sideTablesGrowWithTheHeap() {
        try (Heap heap = new Heap(HeapConfig.of(256L << 20))) {
            SideTable rc = heap.sideTable(SideMetadataSpec.of("refcount", 32, 8));
            Mutator m = new Mutator(heap, GcHooks.NONE);
            long big = 0;
            for (int i = 0; i < 3; i++) big = m.allocateArray(LayoutRegistry.BYTE_ARRAY, 40 << 20);
            rc.set(big, 12345);
            assertEquals(12345, rc.get(big));
            assertTrue(rc.footprintBytes() > 0);
        }
    }

    @Test
    void freedSlotsAreZeroedWhenReused() {
        try (Heap heap = new Heap(HeapConfig.of(8L << 20))) {
            Mutator m = new Mutator(heap, GcHooks.NONE);
            int node = heap.layouts().fixed("N", "rd");
            long a = m.allocate(node);
            m.setLong(a, 0, 77);
            m.setRef(a, 0, a);
            // simulate a sweep that frees everything: no marks
            heap.beginSweep();
            for (int i = heap.spanCount() - 1; i >= 0; i--) {
                Span s = heap.span(i);
                heap.sweptSpan(s, s.sweepToMarks());
            }
            heap.finishSweep();
            assertEquals(0, heap.inUseBytes());
            long b = m.allocate(node);
            assertEquals(0, m.getLong(b, 0));
            assertEquals(0, m.getRef(b, 0));
        }
    }

    @Test
    void sizesParse() {
        assertEquals(256L << 20, HeapConfig.parseSize("256m"));
        assertEquals(16L << 30, HeapConfig.parseSize("16G"));
        assertEquals(4096, HeapConfig.parseSize("4096"));
        assertEquals(512L << 10, HeapConfig.parseSize("512kb"));
        assertThrows(IllegalArgumentException.class, () -> HeapConfig.parseSize("lots"));
        assertThrows(IllegalArgumentException.class, () -> HeapConfig.of(1000));
    }
}
