package dev.gclab.gc.plan.generational;

import dev.gclab.heap.Heap;
import dev.gclab.heap.MarkBits;
import dev.gclab.heap.Space;
import dev.gclab.heap.WorkCounters;
import dev.gclab.heap.memory.HeapMemory;
import dev.gclab.heap.object.ObjectModel;
import dev.gclab.heap.span.Span;

/**
 * The sticky variant's sweep: like {@code trace.Sweeper}, unmarked objects are freed, but the marks
 * <em>stay</em> — every survivor is old until the next major collection clears them. With side mark
 * bits the mark bitmap is copied into the alloc bitmap (a word per 64 slots, dead objects never
 * touched); with header marks each allocated header is read, as the ordinary header-mode sweep does.
 *
 * <p>A minor sweep frees only in spans that received young objects since the last collection: at the
 * end of every collection each span's {@code gcLive} is set to its object count, which only allocation
 * raises in between, so {@code allocCount == gcLive} means "nothing young here" and the span is just
 * offered to allocation again. That re-listing still touches every span: a minor collection of the
 * sticky variant costs a look per span of the heap (about 0.3 µs each here) besides the marking, where
 * the copying nursery's looks only at the nursery's spans.
 */
final class StickySweeper {
    private final Heap heap;
    private final HeapMemory memory;
    private final WorkCounters counters;
    private final boolean headerMarks;

    StickySweeper(Heap heap) {
        this.heap = heap;
        this.memory = heap.memory();
        this.counters = heap.counters();
        this.headerMarks = heap.config().markBits() == MarkBits.HEADER;
    }

    /** Sweeps {@code space} keeping marks; with {@code onlyYoung}, spans without young objects are left as they are. Ends the sweep. */
    void sweep(Space space, boolean onlyYoung) {
        heap.beginSweep(space);
        for (int i = heap.spanCount() - 1; i >= 0; i--) {
            Span s = heap.span(i);
            if (s.space != space.id) continue;
            if (onlyYoung && s.allocCount == s.gcLive) {
                heap.sweptSpan(s, s.allocCount); // offered to allocation again
                continue;
            }
            sweepSpan(s);
            s.gcLive = s.allocCount; // everything left is old (a span released here is never looked at again)
        }
        heap.finishSweep();
    }

    private void sweepSpan(Span s) {
        int before = s.allocCount;
        int live;
        if (headerMarks) {
            live = 0;
            long[] alloc = s.allocBits;
            for (int idx = 0; idx < s.nelems; idx++) {
                if (!s.isAllocated(idx)) continue;
                if ((memory.getLong(s.slotAddress(idx)) & ObjectModel.MARK_FLAG) != 0) live++;
                else alloc[idx >>> 6] &= ~(1L << idx);
            }
        } else {
            long[] marks = s.markBits;
            live = 0;
            for (long w : marks) live += Long.bitCount(w);
            System.arraycopy(marks, 0, s.allocBits, 0, marks.length);
        }
        if (live != before) s.resetAllocation(live);
        else s.rewind();
        int dead = before - live;
        counters.objectsFreed += dead;
        counters.bytesFreed += dead * s.elemSize;
        counters.bytesSwept += s.limit - s.base;
        counters.spansSwept++;
        heap.sweptSpan(s, live);
    }
}
