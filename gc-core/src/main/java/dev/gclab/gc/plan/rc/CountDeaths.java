package dev.gclab.gc.plan.rc;

import dev.gclab.gc.finalize.Finalization;
import dev.gclab.gc.util.LongStack;
import dev.gclab.heap.Heap;
import dev.gclab.heap.WorkCounters;
import dev.gclab.heap.memory.HeapMemory;
import dev.gclab.heap.object.LayoutKind;
import dev.gclab.heap.object.LayoutRegistry;
import dev.gclab.heap.object.ObjectModel;

/**
 * Death by count: what happens when an object's reference count reaches zero, and the zero-count
 * table of objects nobody has stored yet.
 *
 * <p>Design. An object whose count reaches zero is pushed on the dying stack and marked
 * {@link Generations#DYING} (untracked from its generation first); then it is popped and freed:
 * finalizer (if it has one that has not run; the object is held meanwhile), weak references cleared
 * and their callbacks run newest first, then each child is decremented and, at zero, pushed in turn —
 * so a ten-million-long chain dies iteratively, and a chain A→B→C dies as CPython's does: F(A), CB(A),
 * F(B), CB(B), F(C), CB(C). {@link #release} processes the stack down to where it found it, so it is
 * re-entrant: a finalizer that drops references, allocates past a threshold or calls {@code collect()}
 * in the middle of a cascade frees what it lets go at once, as CPython does, and a collection that runs
 * then never sees a dying object (untracked, and skipped by the zero-count table): nothing is freed
 * twice.
 *
 * <p>Never-stored objects. Every new object goes into the zero-count table (Deutsch and Bobrow's ZCT);
 * at the next safe point (a collection, or when the table is full) those still allocated at count zero
 * are freed.
 */
final class CountDeaths {
    private final Heap heap;
    private final HeapMemory memory;
    private final LayoutRegistry layouts;
    private final WorkCounters counters;
    private final RefCounts counts;
    private final Generations gens;
    private final CycleDetector detector;
    private final Finalization finalization;
    private final int weakrefLayout;
    private final LongStack dying = new LongStack(1024);
    final LongStack zct = new LongStack(RcCollector.ZCT_LIMIT);
    private final LongStack weakrefs = new LongStack(16);

    CountDeaths(Heap heap, RefCounts counts, Generations gens, CycleDetector detector, Finalization finalization) {
        this.heap = heap;
        this.memory = heap.memory();
        this.layouts = heap.layouts();
        this.counters = heap.counters();
        this.counts = counts;
        this.gens = gens;
        this.detector = detector;
        this.finalization = finalization;
        this.weakrefLayout = finalization.weakRefLayout();
    }

    void decrement(long obj) {
        if (counts.decrement(obj) == 0) release(obj);
    }

    /** Frees {@code obj} (count zero) and, iteratively, everything that dies with it. */
    void release(long obj) {
        int mark = dying.size();
        push(obj);
        while (dying.size() > mark) freeOne(dying.pop());
    }

    private void push(long obj) {
        if (gens.markDying(obj) >= 0 && detector.count[0] > 0) detector.count[0]--;
        dying.push(obj);
    }

    private void freeOne(long obj) {
        long h = memory.getLong(obj);
        int lid = ObjectModel.layoutId(h);
        if (lid == weakrefLayout || (finalization.isActive() && finalization.hasFlags(obj))) {
            if (!finalizeDying(obj)) { // resurrected by its finalizer: tracked again, as CPython re-tracks it
                gens.clearDying(obj);
                if (isContainer(lid)) gens.add(0, obj);
                return;
            }
            finalization.forget(obj);
        }
        // Children die after the parent, slot 0's subtree first: the slots are walked last to first, in
        // ObjectScanner's order, written out with the walk in locals as TraceKernel.drain does.
        LayoutKind kind = layouts.kind(lid);
        if (kind == LayoutKind.FIXED) {
            for (long mask = layouts.pointerMask(lid); mask != 0; ) {
                int w = 63 - Long.numberOfLeadingZeros(mask);
                mask &= ~(1L << w);
                dropChild(memory.getLong(obj + ObjectModel.HEADER_BYTES + ((long) w << 3)));
            }
        } else if (kind == LayoutKind.REF_ARRAY) {
            for (long a = obj + ObjectModel.HEADER_BYTES + ((long) ObjectModel.length(h) << 3), first = obj + ObjectModel.HEADER_BYTES; a != first; ) {
                a -= 8;
                dropChild(memory.getLong(a));
            }
        }
        gens.clearDying(obj);
        counters.objectsFreed++;
        counters.bytesFreed += heap.free(obj);
    }

    private void dropChild(long child) {
        if (child != 0 && counts.decrement(child) == 0) push(child);
    }

    boolean isContainer(int lid) { return !layouts.isNoScan(lid) || lid == weakrefLayout; }

    /** True if {@code obj} is held by this cascade alone right now: a weak reference whose callback is due or running. */
    boolean isHeldByCascade(long obj) {
        for (int i = 0, n = weakrefs.size(); i < n; i++) if (weakrefs.get(i) == obj) return true;
        return false;
    }

    /**
     * Death by count, first steps: the finalizer (at most once; the object is kept alive during the
     * call), then, unless it resurrected the object, the weak references are cleared and their
     * callbacks run, newest first. Returns false if the object was resurrected. A legacy finalizer
     * runs as CPython's subtype_dealloc runs tp_del: after the weak references were cleared and called
     * back, and at every death by count (tp_del has no "finalized" bit, so an object it resurrects is
     * finalized again when it dies again).
     */
    private boolean finalizeDying(long obj) {
        if (finalization.isLegacy(obj)) {
            clearWeakRefsAndCallBack(obj);
            counts.increment(obj);
            finalization.callLegacyFinalizer(obj);
            if (counts.decrement(obj) > 0) {
                finalization.countResurrected();
                return false;
            }
            return true;
        }
        if (finalization.needsFinalizer(obj)) {
            counts.increment(obj);
            // CPython marks only GC objects finalized: an object without reference slots runs its
            // finalizer at each death by count.
            if (isContainer(ObjectModel.layoutId(memory.getLong(obj)))) finalization.finalizeNow(obj);
            else finalization.finalizeNowUnmarked(obj);
            if (counts.decrement(obj) > 0) {
                finalization.countResurrected();
                return false;
            }
        }
        clearWeakRefsAndCallBack(obj);
        return true;
    }

    /**
     * Clears the weak references to {@code obj} and runs their callbacks, newest first. Every weak
     * reference with a callback is held before the first callback runs (CPython's
     * PyObject_ClearWeakRefs holds them all in a tuple): a callback may free the owner of another of
     * them, which must not die before its own callback has run.
     */
    private void clearWeakRefsAndCallBack(long obj) {
        int base = weakrefs.size();
        finalization.clearWeakRefsTo(obj, weakrefs);
        int end = weakrefs.size();
        // Hold every queued weak reference before any callback runs (CPython holds them all in a tuple):
        // a callback may drop the last reference to another one still waiting for its turn.
        for (int i = base; i < end; i++) counts.increment(weakrefs.get(i));
        for (int i = base; i < end; i++) finalization.callback(weakrefs.get(i));
        for (int i = base; i < end; i++) decrement(weakrefs.get(i));
        weakrefs.truncate(base);
    }

    /**
     * Frees the never-stored objects still at count zero. An entry is stale if its object died (its
     * slot is free or holds a newer object, which has an entry of its own): an allocated object at
     * count zero is garbage either way, since a stored one that dropped to zero was freed then, unless
     * it is dying already or is the object being allocated now.
     */
    void processZeroCountTable(long allocating) {
        while (!zct.isEmpty()) {
            long obj = zct.pop();
            if (obj != allocating && counts.get(obj) == 0 && heap.isObject(obj) && !gens.isDying(obj)) release(obj);
        }
    }
}
