package dev.gclab.gc.policy;

import dev.gclab.gc.trace.TraceKernel;
import dev.gclab.heap.Heap;
import dev.gclab.heap.Space;
import dev.gclab.heap.WorkCounters;
import dev.gclab.heap.memory.HeapMemory;
import dev.gclab.heap.object.ObjectModel;
import dev.gclab.heap.span.Span;

/**
 * The evacuating policy (Bartlett's mostly-copying collector on spans): at the start of a collection
 * each span of the space is either evacuated — its live objects are copied into fresh spans of the
 * target space and it is released — or kept — its objects are marked in place ({@link MarkSpace}) and
 * it is swept. Spans holding a pinned object are kept, as Bartlett keeps the pages ambiguous roots
 * point into, and so are large objects (a span of their own: nothing to gain by copying).
 *
 * <p>Tracing an object of an evacuated span copies it once ({@link Heap#copy}), overwrites the old
 * copy's header with a forwarding header ({@link ObjectModel#forwardingHeader}) and enqueues the new
 * copy; later edges to it find the forwarding header and get the new address. If the target has no
 * room for a copy the object is marked in place instead (the span is then kept and swept rather than
 * released: a collection never fails for lack of to-space). Objects allocated during the collection
 * (by finalizers) land in fresh spans, which this collection leaves alone: they are live.
 */
public final class CopySpace {
    private final Heap heap;
    private final HeapMemory memory;
    private final WorkCounters counters;
    private final MarkSpace marks;
    private final Space space;
    private final Space target;
    /** Spans kept because an object was pinned / because a copy found no room, in the last collection. */
    public long spansKeptByPins, spansKeptForLackOfRoom, spansEvacuated;

    public CopySpace(Heap heap, MarkSpace marks, Space space, Space target) {
        this.heap = heap;
        this.memory = heap.memory();
        this.counters = heap.counters();
        this.marks = marks;
        this.space = space;
        this.target = target;
    }

    public Space space() { return space; }

    /**
     * Starts a collection: allocation in the space (copies, and the mutator's during the collection)
     * goes to fresh spans from now on; every span of the space is set to be evacuated or kept.
     *
     * @return the number of spans kept because of pins
     */
    public long prepare() {
        heap.beginSweep(space);
        if (target != space) heap.beginSweep(target);
        long pinned = 0;
        for (int i = 0, n = heap.spanCount(); i < n; i++) {
            Span s = heap.span(i);
            if (s.space != space.id) continue;
            boolean pins = s.hasPins();
            if (pins) pinned++;
            s.gcState = pins || s.sizeClass == 0 ? Span.GC_MARK : Span.GC_EVACUATE;
            s.gcLive = 0;
        }
        spansKeptByPins = pinned;
        return pinned;
    }

    /** Traces {@code obj} of span {@code s} (a span of this space): copies it, or marks it where it stays; returns its current address. */
    public long traceObject(TraceKernel k, long obj, Span s) {
        byte state = s.gcState;
        if (state == Span.GC_EVACUATE) {
            long h = memory.getLong(obj);
            if (ObjectModel.isForwarded(h)) return ObjectModel.forwardee(h);
            long to = heap.copy(obj, target);
            if (to == 0) return marks.traceObject(k, obj, s); // no room: it stays where it is
            memory.setLong(obj, ObjectModel.forwardingHeader(to));
            s.gcLive++;
            counters.objectsMarked++;
            if (!s.noScan) k.enqueue(to);
            return to;
        }
        if (state == Span.GC_MARK) return marks.traceObject(k, obj, s);
        return obj; // a span allocated during this collection: live already
    }

    /** True if {@code obj} of span {@code s} survives this collection (copied, marked, or new). */
    public boolean isLive(long obj, Span s) {
        byte state = s.gcState;
        if (state == Span.GC_EVACUATE) return ObjectModel.isForwarded(memory.getLong(obj)) || marks.isMarked(obj);
        if (state == Span.GC_MARK) return marks.isMarked(obj);
        return true;
    }

    /** Where {@code obj} of span {@code s} is now. */
    public long currentAddress(long obj, Span s) {
        if (s.gcState == Span.GC_EVACUATE) {
            long h = memory.getLong(obj);
            if (ObjectModel.isForwarded(h)) return ObjectModel.forwardee(h);
        }
        return obj;
    }

    /** After the trace: evacuated spans are released, kept ones swept (by {@code sweep}); every span's state is reset. */
    public void finish(java.util.function.Consumer<Span> sweep) {
        long kept = 0, released = 0;
        for (int i = heap.spanCount() - 1; i >= 0; i--) {
            Span s = heap.span(i);
            if (s.space != space.id) continue;
            byte state = s.gcState;
            s.gcState = Span.GC_NONE;
            if (state == Span.GC_EVACUATE) {
                if (anyMarked(s)) {
                    kept++;
                    sweep.accept(s);
                } else {
                    released++;
                    long dead = s.allocCount - s.gcLive; // the rest moved
                    counters.objectsFreed += dead;
                    counters.bytesFreed += dead * s.elemSize;
                    counters.spansSwept++;
                    heap.releaseSpan(s);
                }
            } else if (state == Span.GC_MARK) {
                sweep.accept(s);
            }
        }
        spansKeptForLackOfRoom = kept;
        spansEvacuated = released;
    }

    private boolean anyMarked(Span s) {
        for (int idx = 0; idx < s.nelems; idx++) if (s.isAllocated(idx) && marks.isMarked(s.slotAddress(idx))) return true;
        return false;
    }
}
