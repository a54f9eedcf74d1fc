package dev.gclab.heap.meta;

import dev.gclab.heap.memory.HeapMemory;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class SideTableTest {
    @Test
    void entriesOfEveryWidthAreIndependent() {
        for (int bits : new int[] {1, 2, 4, 8, 16, 32, 64}) {
            SideTable t = new SideTable(SideMetadataSpec.of("t" + bits, bits, 8));
            t.ensureChunks(2);
            long max = bits == 64 ? -1L : (1L << bits) - 1;
            for (int i = 0; i < 200; i++) t.set(HeapMemory.BASE + 8L * i, (i * 7L) & max);
            long far = HeapMemory.BASE + HeapMemory.CHUNK_BYTES + 16;
            t.set(far, max);
            for (int i = 0; i < 200; i++) assertEquals((i * 7L) & max, t.get(HeapMemory.BASE + 8L * i), bits + " bits, entry " + i);
            assertEquals(max, t.get(far));
            assertEquals(0, t.get(far + 8));
        }
    }

    @Test
    void regionCoversItsBytesAndAddWraps() {
        SideTable cards = new SideTable(SideMetadataSpec.of("cards", 8, 512));
        cards.ensureChunks(1);
        cards.set(HeapMemory.BASE + 1000, 3);
        assertEquals(3, cards.get(HeapMemory.BASE + 512));
        assertEquals(3, cards.get(HeapMemory.BASE + 1023));
        assertEquals(0, cards.get(HeapMemory.BASE + 1024));
        assertEquals(0, cards.add(HeapMemory.BASE + 600, 253));
        assertEquals(2.0 * 1024, SideMetadataSpec.of("cards", 8, 512).bytesPerHeapMiB());
    }

    @Test
    void aHeapSmallerThanAChunkGetsATableOfItsOwnSize() {
        SideTable counts = new SideTable(SideMetadataSpec.of("counts", 32, 8));
        counts.ensureCommitted(2L << 20);
        assertEquals((2L << 20) / 8 * 4, counts.footprintBytes(), "2 MiB of heap, 4 bytes per 8");
        long last = HeapMemory.BASE + (2L << 20) - 8;
        counts.setInt(last, 42);
        assertEquals(42, counts.getInt(last));
        SideTable flags = new SideTable(SideMetadataSpec.of("flags", 4, 8));
        flags.ensureCommitted(HeapMemory.CHUNK_BYTES + (1L << 20)); // a full chunk, then 1 MiB
        assertEquals(HeapMemory.CHUNK_BYTES / 16 + (1L << 20) / 16, flags.footprintBytes());
        long lastOfSecond = HeapMemory.BASE + HeapMemory.CHUNK_BYTES + (1L << 20) - 8;
        flags.set(lastOfSecond, 9);
        assertEquals(9, flags.get(lastOfSecond));
        flags.ensureCommitted(1L << 20); // never shrinks
        assertEquals(9, flags.get(lastOfSecond));
    }

    @Test
    void badSpecsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> SideMetadataSpec.of("x", 3, 8));
        assertThrows(IllegalArgumentException.class, () -> SideMetadataSpec.of("x", 8, 4));
    }
}
