package dev.gclab.gc.plan.generational;

import dev.gclab.gc.policy.MarkSpace;
import dev.gclab.heap.Heap;
import dev.gclab.heap.Space;
import dev.gclab.heap.span.Span;

/**
 * The copying nursery's minor collection: a trace from the roots and the remembered set that touches
 * only young objects. An edge to an object outside the young range returns at once (one compare: old
 * objects are live and never scanned); an edge into the range goes to the {@link NurserySpace} (copy,
 * or mark in a kept span), unless its span is an old one promoted in place earlier.
 *
 * <p>As the finalization service's view: only young objects are in the collection; old ones are live.
 * The remark after finalizers and callbacks keeps, without a whole-heap trace, everything the contract
 * asks: the roots are traced again; stores their code made into old objects (the old objects allocated
 * during the collection and the promoted copies included, all outside the range) went through the
 * barrier, so the new remembered-set entries are scanned; stores into young survivors (kept spans'
 * marked objects, survivor copies) did not, so those survivors are scanned again — at most a nursery's
 * worth.
 */
final class MinorTrace extends GenTrace {
    private final NurserySpace nursery;
    private final RememberedSet remset;
    private final Space young;
    private final long start, size;
    private final int youngId;

    MinorTrace(Heap heap, MarkSpace marks, NurserySpace nursery, RememberedSet remset) {
        super(heap, marks);
        this.nursery = nursery;
        this.remset = remset;
        this.young = nursery.young;
        this.start = young.start;
        this.size = young.end - young.start;
        this.youngId = young.id;
    }

    @Override
    protected long traceObject(long obj) {
        if (Long.compareUnsigned(obj - start, size) >= 0) return obj; // old
        Span s = pages.spanOfHeapAddress(obj);
        if (s.space != youngId) return obj; // an old span promoted in place
        return nursery.traceObject(this, obj, s);
    }

    /** The trace: roots, remembered set, then everything young they reach. */
    void trace() {
        traceRoots();
        remset.scan(this);
        drain();
    }

    private Span youngSpan(long obj) {
        if (Long.compareUnsigned(obj - start, size) >= 0) return null;
        Span s = pages.spanOfHeapAddress(obj);
        return s.space == youngId ? s : null;
    }

    @Override public boolean inCollection(long obj) { return youngSpan(obj) != null; }

    @Override
    public boolean isLive(long obj) {
        Span s = youngSpan(obj);
        return s == null || nursery.isLive(obj, s);
    }

    @Override
    public long currentAddress(long obj) {
        Span s = youngSpan(obj);
        return s == null ? obj : nursery.currentAddress(obj, s);
    }

    /** Live now where it is: every old object, a kept span's marked object, a survivor copy. */
    private boolean liveNow(long obj) {
        Span s = youngSpan(obj);
        return s == null || nursery.isLiveInPlace(obj, s);
    }

    @Override
    public void remark() {
        snapshot(this::liveNow);
        traceRoots();
        remset.scan(this);
        for (int i = 0, n = heap.spanCount(); i < n; i++) { // young spans: kept ones, and those filled with survivor copies
            Span s = heap.span(i);
            if (s.space != youngId || s.noScan) continue;
            for (int idx = 0; idx < s.nelems; idx++) {
                if (!s.isAllocated(idx)) continue;
                long obj = s.slotAddress(idx);
                if (nursery.isLiveInPlace(obj, s)) enqueue(obj);
            }
        }
        drain();
    }
}
