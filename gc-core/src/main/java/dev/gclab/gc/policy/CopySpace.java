package dev.gclab.gc.policy;

import dev.gclab.gc.trace.TraceKernel;
import dev.gclab.heap.Heap;
import dev.gclab.heap.Space;
import dev.gclab.heap.WorkCounters;
import dev.gclab.heap.memory.HeapMemory;
import dev.gclab.heap.object.ObjectModel;
import dev.gclab.heap.span.Span;

import java.lang.foreign.ValueLayout;

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
        spansKeptForLackOfRoom = 0;
        return pinned;
    }

    /** Traces {@code obj} of span {@code s} (a span of this space): copies it, or marks it where it stays; returns its current address. */
    public long traceObject(TraceKernel k, long obj, Span s) {
        byte state = s.gcState;
        if (state == Span.GC_EVACUATE) {
            long off = s.segmentOffset + (obj - s.base); // the span's own segment: no chunk look-up
            long h = s.segment.get(ValueLayout.JAVA_LONG, off);
            if (ObjectModel.isForwarded(h)) return ObjectModel.forwardee(h);
            long to = heap.copy(obj, s, target);
            if (to == 0) { // no room: this span stays where it is, and is swept like a kept one
                s.gcState = Span.GC_MARK;
                spansKeptForLackOfRoom++;
                return marks.traceObject(k, obj, s);
            }
            s.segment.set(ValueLayout.JAVA_LONG, off, ObjectModel.forwardingHeader(to));
            s.gcLive++;
            counters.objectsMarked++;
            if (!s.noScan) k.enqueue(to);
            return to;
        }
        if (state == Span.GC_MARK) {
            if (s.gcLive > 0) { // a span that turned kept after some of its objects were copied
                long h = memory.getLong(obj);
                if (ObjectModel.isForwarded(h)) return ObjectModel.forwardee(h);
            }
            return marks.traceObject(k, obj, s);
        }
        return obj; // a span allocated during this collection: live already
    }

    /** True if {@code obj} of span {@code s} survives this collection (copied, marked, or new). */
    public boolean isLive(long obj, Span s) {
        byte state = s.gcState;
        if (state == Span.GC_NONE) return true;
        return ObjectModel.isForwarded(memory.getLong(obj)) || marks.isMarked(obj);
    }

    /** Where {@code obj} of span {@code s} is now. */
    public long currentAddress(long obj, Span s) {
        if (s.gcState != Span.GC_NONE) {
            long h = memory.getLong(obj);
            if (ObjectModel.isForwarded(h)) return ObjectModel.forwardee(h);
        }
        return obj;
    }

    /** After the trace: evacuated spans are released, kept ones swept (by {@code sweep}); every span's state is reset. */
    public void finish(java.util.function.Consumer<Span> sweep) {
        long released = 0;
        for (int i = heap.spanCount() - 1; i >= 0; i--) {
            Span s = heap.span(i);
            if (s.space != space.id) continue;
            byte state = s.gcState;
            s.gcState = Span.GC_NONE;
            if (state == Span.GC_EVACUATE) {
                released++;
                long dead = s.allocCount - s.gcLive; // the rest moved
                counters.objectsFreed += dead;
                counters.bytesFreed += dead * s.elemSize;
                counters.spansSwept++;
                heap.releaseSpan(s);
            } else if (state == Span.GC_MARK) {
                sweep.accept(s); // pinned, large, or kept for lack of room: copied objects' old slots are unmarked, so freed
                counters.objectsFreed -= s.gcLive; // ... but those moved, they did not die
                counters.bytesFreed -= s.gcLive * s.elemSize;
            }
            s.gcLive = 0;
        }
        spansEvacuated = released;
    }
}
