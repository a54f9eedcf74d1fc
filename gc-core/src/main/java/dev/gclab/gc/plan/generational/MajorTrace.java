package dev.gclab.gc.plan.generational;

import dev.gclab.gc.policy.MarkSpace;
import dev.gclab.heap.Heap;
import dev.gclab.heap.span.Span;

/**
 * The copying nursery's major collection: a whole-heap trace. Young objects are evacuated into the old
 * space, every survivor promoted ({@link NurserySpace}); old objects are marked in place
 * ({@link MarkSpace}, then swept like {@code marksweep}'s); spans of the old space created during the
 * collection (copies, and objects finalizers allocate: allocation goes to the old space while a
 * collection runs) are live as they are. Every object is in the collection. The remark is
 * {@code marksweep}'s: every live object and every root is scanned again.
 */
final class MajorTrace extends GenTrace {
    private final NurserySpace nursery;
    private final int youngId;

    MajorTrace(Heap heap, MarkSpace marks, NurserySpace nursery) {
        super(heap, marks);
        this.nursery = nursery;
        this.youngId = nursery.young.id;
    }

    @Override
    protected long traceObject(long obj) {
        Span s = pages.spanOfHeapAddress(obj);
        if (s.space == youngId) return nursery.traceObject(this, obj, s);
        if (s.gcState == Span.GC_MARK) return marks.traceObject(this, obj, s);
        return obj; // an old span filled during this collection
    }

    void trace() {
        traceRoots();
        drain();
    }

    @Override public boolean inCollection(long obj) { return true; }

    @Override
    public boolean isLive(long obj) {
        Span s = pages.spanOfHeapAddress(obj);
        if (s.space == youngId) return nursery.isLive(obj, s);
        return s.gcState != Span.GC_MARK || marks.isMarked(obj);
    }

    @Override
    public long currentAddress(long obj) {
        Span s = pages.spanOfHeapAddress(obj);
        return s.space == youngId ? nursery.currentAddress(obj, s) : obj;
    }

    private boolean liveNow(long obj) {
        Span s = pages.spanOfHeapAddress(obj);
        if (s.space == youngId) return nursery.isLiveInPlace(obj, s);
        return s.gcState != Span.GC_MARK || marks.isMarked(obj);
    }

    @Override
    public void remark() {
        snapshot(this::liveNow);
        for (int i = 0, n = heap.spanCount(); i < n; i++) {
            Span s = heap.span(i);
            if (s.noScan) continue;
            for (int idx = 0; idx < s.nelems; idx++) {
                if (!s.isAllocated(idx)) continue;
                long obj = s.slotAddress(idx);
                if (liveNow(obj)) enqueue(obj);
            }
        }
        traceRoots();
        drain();
    }
}
