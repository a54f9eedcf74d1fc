package dev.gclab.gc.trace;

import dev.gclab.heap.Heap;
import dev.gclab.heap.MarkBits;
import dev.gclab.heap.WorkCounters;
import dev.gclab.heap.memory.HeapMemory;
import dev.gclab.heap.object.ObjectModel;
import dev.gclab.heap.span.Span;

/**
 * Eager sweeping of every span after a full marking.
 *
 * <p>With side mark bits this is Go's sweep: the mark bitmap becomes the alloc bitmap, the old alloc
 * bitmap is cleared to be the next mark bitmap, and a popcount gives the survivors — work per bitmap
 * word, the same for a span of dead objects as for a span of live ones; dead objects are never
 * touched. An empty span goes back to the page heap; a partly free one is offered to allocation.
 *
 * <p>With header mark bits every allocated slot's header must be read (and its mark cleared) to
 * build the new alloc bitmap: work per object. The two modes are gclab's answer to "are side
 * bitmaps faster than header bits?".
 */
public final class Sweeper {
    private final Heap heap;
    private final HeapMemory memory;
    private final WorkCounters counters;
    private final boolean headerMarks;

    public Sweeper(Heap heap) {
        this.heap = heap;
        this.memory = heap.memory();
        this.counters = heap.counters();
        this.headerMarks = heap.config().markBits() == MarkBits.HEADER;
    }

    /** Sweeps every span; returns the bytes freed. */
    public long sweepAll() {
        heap.beginSweep();
        long freedBytes = 0;
        for (int i = heap.spanCount() - 1; i >= 0; i--) freedBytes += sweepSpan(heap.span(i));
        heap.finishSweep();
        return freedBytes;
    }

    /**
     * Sweeps one span (its space's sweep must have begun, {@code Heap.beginSweep}): the marks become the
     * alloc bits; an empty span goes back to the page heap (so iterate the span list backwards), a
     * partly free one is offered to allocation. The caller ends the sweep with {@code Heap.finishSweep}.
     *
     * @return the bytes freed
     */
    public long sweepSpan(Span s) {
        int before = s.allocCount;
        if (headerMarks) collectHeaderMarks(s);
        int live = s.sweepToMarks();
        int dead = before - live;
        counters.objectsFreed += dead;
        counters.bytesFreed += dead * s.elemSize;
        counters.bytesSwept += s.limit - s.base;
        counters.spansSwept++;
        heap.sweptSpan(s, live);
        return dead * s.elemSize;
    }

    /** Header mode: copies each allocated object's header mark into the span's mark bitmap, clearing it. */
    private void collectHeaderMarks(Span s) {
        long[] marks = s.markBits;
        for (int idx = 0; idx < s.nelems; idx++) {
            if (!s.isAllocated(idx)) continue;
            long obj = s.slotAddress(idx);
            long h = memory.getLong(obj);
            if ((h & ObjectModel.MARK_FLAG) != 0) {
                memory.setLong(obj, h & ~ObjectModel.MARK_FLAG);
                marks[idx >>> 6] |= 1L << idx;
            }
        }
    }
}
