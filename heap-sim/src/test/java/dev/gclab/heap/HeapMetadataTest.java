package dev.gclab.heap;

import dev.gclab.heap.memory.HeapMemory;
import dev.gclab.heap.meta.SideMetadataSpec;
import dev.gclab.heap.meta.SideTable;
import dev.gclab.heap.span.SizeClasses;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The metadata accessors: span bitmaps, the page heap's tables, the registered side tables. */
class HeapMetadataTest {
    @Test
    void emptyHeapHasNoMetadata() {
        try (Heap heap = new Heap(HeapConfig.of(64L << 20))) {
            assertEquals(0, heap.spanBitmapBytes());
            assertEquals(0, heap.pages().tableBytes(8));
            assertTrue(heap.sideTables().isEmpty());
        }
    }

    @Test
    void oneSixteenByteObjectCostsOneSpansBitmapsAndOneChunksPageTable() {
        try (Heap heap = new Heap(HeapConfig.of(64L << 20))) {
            Mutator m = new Mutator(heap, GcHooks.NONE);
            m.allocate(heap.layouts().fixed("N", "r")); // 8 + 8 = 16 bytes: one 8 KiB span of 512 slots
            // 512 slots = 8 words per bitmap, 3 bitmaps (alloc, mark, pin), 8 bytes per word
            assertEquals(3 * 8 * 8, heap.spanBitmapBytes());
            // one 64 MiB chunk = 8192 pages: 8192 pointers, a 128-word free bitmap, one int
            assertEquals(8192L * 8 + 128 * 8 + 4, heap.pages().tableBytes(8));
            assertEquals(8192L * 4 + 128 * 8 + 4, heap.pages().tableBytes(4));
            m.allocate(heap.layouts().fixed("N", "r"));
            assertEquals(3 * 8 * 8, heap.spanBitmapBytes(), "a second object in the same span adds nothing");
        }
    }

    @Test
    void bitmapsRoundUpToWholeWordsPerSpan() {
        try (Heap heap = new Heap(HeapConfig.of(64L << 20))) {
            Mutator m = new Mutator(heap, GcHooks.NONE);
            int sc = SizeClasses.classOf(48);
            int slots = SizeClasses.objectsPerSpan(sc); // 8192 / 48 = 170 slots: 3 words
            assertEquals(170, slots);
            m.allocate(heap.layouts().fixed("M", "rrrrr"));
            assertEquals(3 * 3 * 8, heap.spanBitmapBytes());
        }
    }

    @Test
    void sideTablesAreListedWithTheirFootprint() {
        try (Heap heap = new Heap(HeapConfig.of(64L << 20))) {
            SideTable counts = heap.sideTable(SideMetadataSpec.of("counts", 32, 8));
            SideTable flags = heap.sideTable(SideMetadataSpec.of("flags", 4, 8));
            assertEquals(java.util.List.of(counts, flags), heap.sideTables());
            assertEquals(0, counts.footprintBytes(), "nothing committed yet");
            new Mutator(heap, GcHooks.NONE).allocate(heap.layouts().fixed("N", "r"));
            // one chunk: 2^23 granules of 8 bytes, 4 bytes each / half a byte each
            assertEquals(HeapMemory.CHUNK_BYTES / 8 * 4, counts.footprintBytes());
            assertEquals(HeapMemory.CHUNK_BYTES / 8 / 2, flags.footprintBytes());
            assertEquals((double) flags.footprintBytes() / 64, flags.spec().bytesPerHeapMiB());
        }
    }
}
