package dev.gclab.heap.memory;

import dev.gclab.heap.GcHooks;
import dev.gclab.heap.Heap;
import dev.gclab.heap.HeapConfig;
import dev.gclab.heap.Mutator;
import dev.gclab.heap.OutOfHeapException;
import dev.gclab.heap.object.LayoutRegistry;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Committing chunks, and what happens when the machine cannot give one. */
class HeapMemoryTest {
    private static final long MIB = 1L << 20;

    @Test
    void aFailedCommitIsAnOutOfHeapThatSaysTheMachineRanOutAndChangesNothing() {
        try (HeapMemory m = new HeapMemory(100 * MIB, 1)) {
            assertEquals(64 * MIB, m.commitChunk());
            m.setLong(HeapMemory.BASE + 8, 42);
            OutOfHeapException e = assertThrows(OutOfHeapException.class, m::commitChunk);
            assertTrue(e.machineOutOfMemory());
            assertEquals(100 * MIB, e.heapMaxBytes());
            assertEquals(64 * MIB, e.committedBytes());
            assertEquals(36 * MIB, e.requestBytes(), "the rest of the maximum");
            assertEquals(-1, e.liveBytes(), "not known where memory is committed");
            assertInstanceOf(OutOfMemoryError.class, e.getCause());
            assertEquals("out of heap: the machine ran out of memory: a request of 37,748,736 bytes to grow the heap failed "
                + "(heap maximum 104,857,600 bytes, committed 67,108,864, live unknown; java.lang.OutOfMemoryError: simulated: "
                + "gclab.heap.failCommitAt=1 (cannot allocate 37748736 bytes))", e.getMessage());
            assertEquals(64 * MIB, m.committedBytes(), "nothing committed");
            assertEquals(1, m.chunkCount());
            assertEquals(42, m.getLong(HeapMemory.BASE + 8), "the committed chunk is intact");
            OutOfHeapException withLive = e.withLiveBytes(1234);
            assertTrue(withLive.getMessage().contains("committed 67,108,864, live 1,234;"), withLive.getMessage());
            assertEquals(1234, withLive.liveBytes());
            assertEquals(e.getStackTrace().length, withLive.getStackTrace().length, "keeps where it happened");
            assertSame(withLive, withLive.withLiveBytes(5), "live bytes are filled once");
        }
    }

    @Test
    void theSystemPropertyMakesNewHeapsFailAtThatChunkThroughTheMutator() {
        System.setProperty(HeapMemory.FAIL_COMMIT_PROPERTY, "0");
        Heap heap;
        try {
            heap = new Heap(HeapConfig.of(32 * MIB));
        } finally {
            System.clearProperty(HeapMemory.FAIL_COMMIT_PROPERTY);
        }
        try (heap) {
            // PageHeap, Heap and Mutator pass it on unchanged: the first allocation needs the first chunk
            Mutator m = new Mutator(heap, GcHooks.NONE);
            OutOfHeapException e = assertThrows(OutOfHeapException.class, () -> m.allocateArray(LayoutRegistry.LONG_ARRAY, 10));
            assertTrue(e.machineOutOfMemory(), e::getMessage);
            assertEquals(0, heap.committedBytes());
            assertEquals(0, heap.counters().allocations);
        }
        try (HeapMemory ok = new HeapMemory(2 * MIB)) {
            assertEquals(2 * MIB, ok.commitChunk(), "the property is read when a heap is created");
        }
    }
}
