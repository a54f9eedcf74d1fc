package dev.gclab.gc.plan.generational;

import dev.gclab.gc.policy.MarkSpace;
import dev.gclab.gc.trace.Sweeper;
import dev.gclab.gc.trace.TraceKernel;
import dev.gclab.gc.util.LongStack;
import dev.gclab.heap.Heap;
import dev.gclab.heap.Space;
import dev.gclab.heap.WorkCounters;
import dev.gclab.heap.memory.HeapMemory;
import dev.gclab.heap.object.ObjectModel;
import dev.gclab.heap.span.Span;

import java.util.ArrayList;
import java.util.List;

/**
 * The copying nursery's policy: the young space lies in a reserved address range, and a collection
 * (minor or major) empties it.
 *
 * <p>At the start every young span is set to be evacuated or kept. A span holding a pinned object, and
 * a large object's span, is kept: its objects are marked in place, and at the end the span is swept and
 * <em>promoted in place</em> — it joins the old space where it lies ({@code Heap.transferSpan}), as
 * PyPy's incminimark leaves pinned objects and a mostly-copying collector promotes their page. Every
 * other span is evacuated: tracing one of its objects the first time copies it — into the old space
 * (promotion), or, with aging, into the young space again with its age (header bits) one higher, until
 * it has spent {@code promoteAge} minor collections young (a major collection promotes every survivor).
 * The old copy gets a forwarding header; later edges find the new address there. Survivors past the
 * survivor space's size (a quarter of the nursery per minor collection), or a copy that finds no room in
 * the young range, are promoted instead (premature promotion, as HotSpot tenures when a survivor space
 * overflows: a phase where everything survives is copied once, not once per age); one that finds no room in the old
 * space either is marked in place, and its span, switched to "kept", is promoted in place (a collection
 * never fails for lack of room). Evacuated spans are released at the end.
 */
final class NurserySpace {
    private final Heap heap;
    private final HeapMemory memory;
    private final WorkCounters counters;
    private final MarkSpace marks;
    private final Sweeper sweeper;
    final Space young, old;
    private final int promoteAge;
    /** Bytes a minor collection may copy within the nursery (the survivor space); survivors past it are promoted. */
    private final long survivorCap;
    private boolean promoteAll;
    private boolean trackPromoted;
    /** Copies promoted into the old space by this collection, when the remembered set must learn their young references (aging). */
    final LongStack promoted = new LongStack(256);
    /** Spans promoted in place by the last {@link #finish} that still hold objects. */
    final List<Span> promotedInPlace = new ArrayList<>();
    /** The young spans at {@link #prepare} (a minor collection then looks at no other span). */
    private Span[] spans = new Span[64];
    private int spanCount;
    /** Objects in the young spans at {@link #prepare}. */
    long objectsAtStart;

    // this collection
    long promotedBytes, survivorBytes, inPlaceBytes, collectedObjects;
    boolean lackedRoom;
    /** {@link #finish} swept a kept span: the heap's occupancy must be recomputed ({@code Heap.finishSweep}). */
    boolean swept;
    // totals
    long pinnedSpansPromoted, largeSpansPromoted, spansPromotedForLackOfRoom, prematurePromotions;

    NurserySpace(Heap heap, MarkSpace marks, Sweeper sweeper, Space young, Space old, int promoteAge, long survivorCap) {
        this.heap = heap;
        this.memory = heap.memory();
        this.counters = heap.counters();
        this.marks = marks;
        this.sweeper = sweeper;
        this.young = young;
        this.old = old;
        this.promoteAge = promoteAge;
        this.survivorCap = survivorCap;
    }

    /**
     * Starts a collection: allocation in the young space (survivor copies) goes to fresh spans; every
     * young span is set to be evacuated or kept.
     *
     * @param all      promote every survivor (a major collection)
     * @param track    list the promoted copies in {@link #promoted}
     */
    void prepare(boolean all, boolean track) {
        promoteAll = all || promoteAge == 0;
        trackPromoted = track;
        promoted.clear();
        promotedInPlace.clear();
        promotedBytes = survivorBytes = inPlaceBytes = collectedObjects = 0;
        lackedRoom = swept = false;
        heap.beginSweep(young);
        spanCount = 0;
        objectsAtStart = 0;
        for (int i = 0, n = heap.spanCount(); i < n; i++) {
            Span s = heap.span(i);
            if (s.space != young.id) continue;
            s.gcState = s.sizeClass == 0 || s.hasPins() ? Span.GC_MARK : Span.GC_EVACUATE;
            s.gcLive = 0;
            objectsAtStart += s.allocCount;
            if (spanCount == spans.length) spans = java.util.Arrays.copyOf(spans, spanCount * 2);
            spans[spanCount++] = s;
        }
    }

    /** The {@code i}-th young span at {@link #prepare} (only valid until {@link #finish}). */
    Span spanAtStart(int i) { return spans[i]; }
    int spansAtStart() { return spanCount; }

    /** Traces {@code obj} of young span {@code s}: copies it, or marks it where it stays; returns its current address. */
    long traceObject(TraceKernel k, long obj, Span s) {
        byte state = s.gcState;
        if (state == Span.GC_EVACUATE) {
            long h = memory.getLong(obj);
            if (ObjectModel.isForwarded(h)) return ObjectModel.forwardee(h);
            return evacuate(k, obj, s, h);
        }
        if (state == Span.GC_MARK) {
            long h = memory.getLong(obj); // a span switched to "kept" may hold forwarded objects
            if (ObjectModel.isForwarded(h)) return ObjectModel.forwardee(h);
            return marks.traceObject(k, obj, s);
        }
        return obj; // a span of survivor copies made by this collection
    }

    private long evacuate(TraceKernel k, long obj, Span s, long h) {
        long to = 0;
        if (!promoteAll) {
            int age = GenConstraints.age(h) + 1;
            if (age <= promoteAge && survivorBytes >= survivorCap) {
                prematurePromotions++; // the survivor space overflowed
            } else if (age <= promoteAge) {
                to = heap.copy(obj, young);
                if (to != 0) {
                    memory.setLong(to, GenConstraints.withAge(h, age));
                    survivorBytes += s.elemSize;
                } else {
                    prematurePromotions++;
                }
            }
        }
        if (to == 0) {
            to = heap.copy(obj, old);
            if (to == 0) { // no room anywhere: it stays, and its span is promoted in place
                lackedRoom = true;
                s.gcState = Span.GC_MARK;
                return marks.traceObject(k, obj, s);
            }
            if ((h & GenConstraints.AGE_BITS) != 0) memory.setLong(to, h & ~GenConstraints.AGE_BITS);
            promotedBytes += s.elemSize;
            if (trackPromoted && !s.noScan) promoted.push(to);
        }
        memory.setLong(obj, ObjectModel.forwardingHeader(to));
        s.gcLive++;
        counters.objectsMarked++;
        if (!s.noScan) k.enqueue(to);
        return to;
    }

    /** True if {@code obj} of young span {@code s} survives this collection (copied, marked, or a copy made by it). */
    boolean isLive(long obj, Span s) {
        if (s.gcState == Span.GC_NONE) return true;
        return ObjectModel.isForwarded(memory.getLong(obj)) || marks.isMarked(obj);
    }

    /** Where {@code obj} of young span {@code s} is now. */
    long currentAddress(long obj, Span s) {
        if (s.gcState == Span.GC_NONE) return obj;
        long h = memory.getLong(obj);
        return ObjectModel.isForwarded(h) ? ObjectModel.forwardee(h) : obj;
    }

    /** True if {@code obj} of young span {@code s} is live now and stays where it is (a kept span's marked object, or a survivor copy). */
    boolean isLiveInPlace(long obj, Span s) {
        if (s.gcState == Span.GC_NONE) return true;
        return !ObjectModel.isForwarded(memory.getLong(obj)) && marks.isMarked(obj);
    }

    /**
     * Ends the collection: evacuated spans are released; kept spans are swept and promoted in place
     * (listed in {@link #promotedInPlace} when objects remain); survivor spans stay young. If it swept a
     * span ({@link #swept}) the caller ends the sweep ({@code Heap.finishSweep}).
     */
    void finish() {
        for (int i = 0; i < spanCount; i++) {
            Span s = spans[i];
            spans[i] = null;
            byte state = s.gcState;
            s.gcState = Span.GC_NONE;
            if (state == Span.GC_EVACUATE) {
                long dead = s.allocCount - s.gcLive; // the rest moved
                collectedObjects += dead;
                counters.objectsFreed += dead;
                counters.bytesFreed += dead * s.elemSize;
                counters.spansSwept++;
                heap.releaseSpan(s);
            } else if (state == Span.GC_MARK) {
                boolean pinned = s.hasPins(), large = s.sizeClass == 0;
                int before = s.allocCount;
                heap.transferSpan(s, old);
                swept = true;
                sweeper.sweepSpan(s); // forwarded old copies are unmarked: freed with the dead
                counters.objectsFreed -= s.gcLive; // ... but they moved, they did not die
                counters.bytesFreed -= s.gcLive * s.elemSize;
                if (s.state != Span.IN_USE) {
                    collectedObjects += before - s.gcLive;
                    continue; // nothing survived: released
                }
                collectedObjects += before - s.gcLive - s.allocCount;
                inPlaceBytes += s.allocCount * s.elemSize;
                promotedInPlace.add(s);
                if (pinned) pinnedSpansPromoted++;
                else if (large) largeSpansPromoted++;
                else spansPromotedForLackOfRoom++; // a copy found no room
            }
        }
    }
}
