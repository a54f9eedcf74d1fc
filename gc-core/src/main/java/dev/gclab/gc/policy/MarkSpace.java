package dev.gclab.gc.policy;

import dev.gclab.gc.trace.TraceKernel;
import dev.gclab.heap.Heap;
import dev.gclab.heap.MarkBits;
import dev.gclab.heap.Space;
import dev.gclab.heap.WorkCounters;
import dev.gclab.heap.memory.HeapMemory;
import dev.gclab.heap.object.ObjectModel;
import dev.gclab.heap.span.PageHeap;
import dev.gclab.heap.span.Span;

import java.util.IdentityHashMap;
import java.util.function.LongConsumer;
import java.util.function.LongPredicate;

/**
 * The mark-in-place policy: tracing an object sets its mark — a bit in its span's mark bitmap (Go's
 * gcmarkBits) or the header's mark flag, as the heap's {@link MarkBits} knob says — and the object
 * never moves. Objects of no-scan spans are black at once (never enqueued, never read); others are
 * enqueued once, when first marked. Sweeping ({@code trace.Sweeper}) turns the marks into the next
 * alloc bits. Used by {@code marksweep} for its one space, and by moving collectors for the spans they
 * keep in place (pinned, large, or for lack of room to copy).
 */
public final class MarkSpace {
    private final Heap heap;
    private final HeapMemory memory;
    private final PageHeap pages;
    private final WorkCounters counters;
    private final boolean headerMarks;

    public MarkSpace(Heap heap) {
        this.heap = heap;
        this.memory = heap.memory();
        this.pages = heap.pages();
        this.counters = heap.counters();
        this.headerMarks = heap.config().markBits() == MarkBits.HEADER;
    }

    /** Marks {@code obj} (of span {@code s}) if it is not marked yet, enqueueing it if it can hold references; returns {@code obj}. */
    public long traceObject(TraceKernel k, long obj, Span s) {
        if (headerMarks) {
            long h = memory.getLong(obj);
            if ((h & ObjectModel.MARK_FLAG) != 0) return obj;
            memory.setLong(obj, h | ObjectModel.MARK_FLAG);
        } else if (!s.testAndMark(s.objIndex(obj))) {
            return obj;
        }
        counters.objectsMarked++;
        if (!s.noScan) k.enqueue(obj);
        return obj;
    }

    /** Sets the mark of {@code obj} without tracing it (an object allocated black, or one already scanned). */
    public void setMark(long obj) {
        if (headerMarks) {
            memory.setLong(obj, memory.getLong(obj) | ObjectModel.MARK_FLAG);
        } else {
            Span s = pages.spanOfHeapAddress(obj);
            s.testAndMark(s.objIndex(obj));
        }
    }

    public boolean isMarked(long obj) {
        if (headerMarks) return (memory.getLong(obj) & ObjectModel.MARK_FLAG) != 0;
        Span s = pages.spanOfHeapAddress(obj);
        return s.isMarked(s.objIndex(obj));
    }

    /** True for spans of {@code space}, or of every space when {@code space} is null. */
    private static boolean in(Span s, Space space) { return space == null || s.space == space.id; }

    /** Clears every mark of the spans of {@code space} (null: all): a word fill per span for side bits, a header write per object for header bits. */
    public void clearMarks(Space space) {
        for (int i = 0, n = heap.spanCount(); i < n; i++) {
            Span s = heap.span(i);
            if (!in(s, space)) continue;
            if (!headerMarks) {
                java.util.Arrays.fill(s.markBits, 0L);
                continue;
            }
            for (int idx = 0; idx < s.nelems; idx++) {
                if (!s.isAllocated(idx)) continue;
                long obj = s.slotAddress(idx);
                long h = memory.getLong(obj);
                if ((h & ObjectModel.MARK_FLAG) != 0) memory.setLong(obj, h & ~ObjectModel.MARK_FLAG);
            }
        }
    }

    /** Calls {@code action} with every marked object of the spans accepted by {@code spans}. */
    public void forEachMarked(java.util.function.Predicate<Span> spans, LongConsumer action) {
        for (int i = 0, n = heap.spanCount(); i < n; i++) {
            Span s = heap.span(i);
            if (!spans.test(s)) continue;
            for (int idx = 0; idx < s.nelems; idx++) {
                if (!s.isAllocated(idx)) continue;
                long obj = s.slotAddress(idx);
                if (isMarked(obj)) action.accept(obj);
            }
        }
    }

    /** Calls {@code action} with every allocated, unmarked object of the spans of {@code space} (null: all): the garbage before a sweep. */
    public void forEachUnmarked(Space space, LongConsumer action) {
        for (int i = 0, n = heap.spanCount(); i < n; i++) {
            Span s = heap.span(i);
            if (!in(s, space)) continue;
            for (int idx = 0; idx < s.nelems; idx++) {
                if (!s.isAllocated(idx)) continue;
                long obj = s.slotAddress(idx);
                if (!isMarked(obj)) action.accept(obj);
            }
        }
    }

    /**
     * The objects {@code live} accepts now, as a predicate that stays valid after the collection frees
     * and sweeps (spans do not move; a span kept has the same slots): for the verifier's exemptions.
     */
    public LongPredicate snapshot(LongPredicate live) {
        IdentityHashMap<Span, long[]> saved = new IdentityHashMap<>();
        for (int i = 0, n = heap.spanCount(); i < n; i++) {
            Span s = heap.span(i);
            long[] bits = new long[s.markBits.length];
            for (int idx = 0; idx < s.nelems; idx++) {
                if (s.isAllocated(idx) && live.test(s.slotAddress(idx))) bits[idx >>> 6] |= 1L << idx;
            }
            saved.put(s, bits);
        }
        return obj -> {
            Span s = heap.spanOf(obj);
            long[] bits = s == null ? null : saved.get(s);
            int idx = s == null ? 0 : s.objIndex(obj);
            return bits != null && (bits[idx >>> 6] & (1L << idx)) != 0;
        };
    }
}
